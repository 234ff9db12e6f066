using System;
using System.Text.RegularExpressions;

namespace Kubiya.Core.Configuration.WorkerConfig
{
    /// <summary>
    /// Environment references in <c>worker-config.yaml</c> values: Kubiya's <c>${VAR}</c> (with an
    /// optional <c>${VAR:-default}</c>) and the product's own <c>${env:VAR}</c>.
    /// </summary>
    internal static class WorkerConfigReferences
    {
        private static readonly Regex Reference = new Regex(@"\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}", RegexOptions.CultureInvariant);

        /// <summary>The value with every reference replaced; <paramref name="missing"/> is the first unset variable without a default.</summary>
        public static string Expand(string value, Func<string, string?> env, out string? missing)
        {
            string? firstMissing = null;
            var result = Reference.Replace(value, m =>
            {
                var v = env(m.Groups[1].Value);
                if (!string.IsNullOrEmpty(v)) return v!;
                if (m.Groups[2].Success) return m.Groups[2].Value;
                firstMissing ??= m.Groups[1].Value;
                return "";
            });
            missing = firstMissing;
            return result;
        }
    }
}
