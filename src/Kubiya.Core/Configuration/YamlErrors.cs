using System;
using YamlDotNet.Core;

namespace Kubiya.Core.Configuration
{
    /// <summary>Turns YamlDotNet exceptions into one readable sentence.</summary>
    internal static class YamlErrors
    {
        public static string Describe(YamlException ex)
        {
            // YamlDotNet wraps the useful message (e.g. "Property 'x' not found") one level down.
            var inner = ex.InnerException?.Message;
            var msg = !string.IsNullOrEmpty(inner) ? inner! : ex.Message;
            var idx = msg.IndexOf("): ", StringComparison.Ordinal);
            if (msg.StartsWith("(Line:", StringComparison.Ordinal) && idx > 0) msg = msg.Substring(idx + 3);
            return msg.Trim();
        }
    }
}
