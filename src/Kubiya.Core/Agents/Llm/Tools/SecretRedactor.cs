using System;
using System.Collections.Generic;
using System.Linq;
using Kubiya.Core.Secrets;

namespace Kubiya.Core.Agents.Llm.Tools
{
    /// <summary>
    /// Masks the values of resolved secret references in tool output, so a command that prints its
    /// environment does not carry a key into the conversation, the history or the log.
    /// </summary>
    public sealed class SecretRedactor
    {
        /// <summary>What a masked value becomes.</summary>
        public const string Mask = "***";
        private const int MinSecretLength = 4;
        private readonly List<string> secrets;

        private SecretRedactor(IEnumerable<string> values)
        {
            // Longest first, so a secret containing another is masked whole.
            secrets = values.Where(v => v != null && v.Length >= MinSecretLength).Distinct(StringComparer.Ordinal).OrderByDescending(v => v.Length).ToList();
        }

        /// <summary>No secrets to mask.</summary>
        public static SecretRedactor None { get; } = new SecretRedactor(Array.Empty<string>());

        /// <summary>
        /// Resolves <paramref name="declared"/> with <see cref="SecretReference.ResolveAll"/> (this
        /// machine's environment) and returns a redactor for every variable value a reference pulled in.
        /// </summary>
        /// <exception cref="SecretNotFoundException">A referenced variable is not set.</exception>
        public static Dictionary<string, string> Resolve(IDictionary<string, string>? declared, out SecretRedactor redactor)
        {
            var values = new List<string>();
            var resolved = SecretReference.ResolveAll(declared ?? new Dictionary<string, string>(), name =>
            {
                var value = Environment.GetEnvironmentVariable(name);
                if (value != null) values.Add(value);
                return value;
            });
            redactor = values.Count == 0 ? None : new SecretRedactor(values);
            return resolved;
        }

        /// <summary><paramref name="text"/> with every secret value replaced by <see cref="Mask"/>.</summary>
        public string Redact(string text)
        {
            if (secrets.Count == 0 || string.IsNullOrEmpty(text)) return text;
            foreach (var s in secrets) text = text.Replace(s, Mask);
            return text;
        }
    }
}
