using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace Kubiya.Core.Secrets
{
    /// <summary>
    /// Secret references: <c>${env:NAME}</c> everywhere (agents, config.yaml, models.yaml), plus the
    /// compatibility forms users bring: LiteLLM's <c>os.environ/NAME</c> (models.yaml) and
    /// <c>${NAME}</c> (Kubiya's worker-config.yaml). Resolved on the worker at use, so history and
    /// memo only ever hold the reference.
    /// </summary>
    public static class SecretReference
    {
        private static readonly Regex EnvReference = new Regex(@"\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}", RegexOptions.CultureInvariant);
        private const string LiteLlmPrefix = "os.environ/";

        /// <summary>True when <paramref name="value"/> contains a reference in any accepted form.</summary>
        public static bool IsReference(string? value) =>
            value != null && (EnvReference.IsMatch(value) || value.StartsWith(LiteLlmPrefix, StringComparison.Ordinal));

        /// <summary>
        /// Replaces every <c>${env:NAME}</c> (and a whole-value <c>os.environ/NAME</c>) with the
        /// variable from <paramref name="lookup"/> (default: this process's environment). A missing
        /// variable throws <see cref="SecretNotFoundException"/> naming the variable, never a value.
        /// </summary>
        public static string Resolve(string value, Func<string, string?>? lookup = null)
        {
            lookup ??= Environment.GetEnvironmentVariable;
            if (value.StartsWith(LiteLlmPrefix, StringComparison.Ordinal))
            {
                var name = value.Substring(LiteLlmPrefix.Length).Trim();
                return lookup(name) ?? throw new SecretNotFoundException(name);
            }
            return EnvReference.Replace(value, m => lookup(m.Groups[1].Value) ?? throw new SecretNotFoundException(m.Groups[1].Value));
        }

        /// <summary>
        /// True for names that usually hold credentials: containing PASSWORD, PASSWD, TOKEN or SECRET,
        /// or ending in _KEY (case-insensitive).
        /// </summary>
        public static bool IsSecretName(string name)
        {
            var n = name.ToUpperInvariant();
            return n.Contains("PASSWORD") || n.Contains("PASSWD") || n.Contains("TOKEN") || n.Contains("SECRET") || n.EndsWith("_KEY", StringComparison.Ordinal) || n == "KEY";
        }

        /// <summary>The reference form users should write for variable <paramref name="name"/>.</summary>
        public static string FormFor(string name) => "${env:" + name + "}";

        /// <summary>Names of the variables <paramref name="text"/> refers to (both forms), in order of appearance.</summary>
        public static IEnumerable<string> ReferencedNames(string text)
        {
            foreach (Match m in EnvReference.Matches(text)) yield return m.Groups[1].Value;
            foreach (Match m in LiteLlmReference.Matches(text)) yield return m.Groups[1].Value;
        }

        private static readonly Regex LiteLlmReference = new Regex(@"os\.environ/([A-Za-z_][A-Za-z0-9_]*)", RegexOptions.CultureInvariant);

        /// <summary>Resolves every value of a dictionary (keys unchanged) into a new dictionary.</summary>
        public static Dictionary<string, string> ResolveAll(IDictionary<string, string> values, Func<string, string?>? lookup = null)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var kv in values) result[kv.Key] = Resolve(kv.Value, lookup);
            return result;
        }
    }

    /// <summary>A referenced environment variable is not set on the machine resolving it.</summary>
    public sealed class SecretNotFoundException : Exception
    {
        /// <summary>Creates the error for variable <paramref name="variable"/>.</summary>
        public SecretNotFoundException(string variable)
            : base($"The environment variable '{variable}' referenced as ${{env:{variable}}} is not set on this machine.")
        {
            Variable = variable;
        }

        /// <summary>The variable's name.</summary>
        public string Variable { get; }
    }
}
