using System;
using System.Text.RegularExpressions;

namespace Kubiya.Core.Configuration
{
    /// <summary>Turns YamlDotNet exceptions into one readable sentence, in the user's terms (no .NET type names).</summary>
    internal static class YamlErrors
    {
        private static readonly Regex TypeName = new Regex(@"'?\b(?:System|Kubiya|YamlDotNet)(?:\.[A-Za-z0-9_`+\[\]]+)+'?", RegexOptions.CultureInvariant);

        public static string Describe(Exception ex)
        {
            // YamlDotNet wraps the useful message (e.g. "Property 'x' not found") one level down.
            var inner = ex.InnerException?.Message;
            var msg = !string.IsNullOrEmpty(inner) ? inner! : ex.Message;
            var idx = msg.IndexOf("): ", StringComparison.Ordinal);
            if (msg.StartsWith("(Line:", StringComparison.Ordinal) && idx > 0) msg = msg.Substring(idx + 3);
            if (msg.StartsWith("An item with the same key has already been added", StringComparison.Ordinal))
                return "a key appears twice in the same mapping (or is empty)";
            if (msg.IndexOf("was not in a correct format", StringComparison.OrdinalIgnoreCase) >= 0)
                return "a value is not a number where one is expected";
            if (msg.StartsWith("Exception during deserialization", StringComparison.Ordinal) || msg.StartsWith("Failed to create an instance", StringComparison.Ordinal))
                return "a value has the wrong shape (a single value, list or mapping was expected)";
            msg = TypeName.Replace(msg, m => Friendly(m.Value.Trim('\'')));
            return msg.Trim();
        }

        private static string Friendly(string type)
        {
            switch (type)
            {
                case "System.Int32": case "System.Int64": return "a whole number";
                case "System.Double": case "System.Single": case "System.Decimal": return "a number";
                case "System.Boolean": return "true or false";
                case "System.String": return "a single value";
                default: return type.StartsWith("System.Collections", StringComparison.Ordinal) ? "a list or mapping" : "a mapping";
            }
        }
    }
}
