using System;
using System.Collections.Generic;
using System.Linq;

namespace Kubiya.Core.Secrets
{
    /// <summary>
    /// Replaces known secret values with <c>***</c> in text that leaves the worker (step output,
    /// error tails, logs), so a command that prints its password does not publish it.
    /// </summary>
    public sealed class SecretMasker
    {
        /// <summary>What a masked value is replaced with.</summary>
        public const string Mask = "***";

        // Shorter values would mask ordinary words and digits.
        private const int MinimumLength = 4;
        private readonly List<string> values = new List<string>();

        /// <summary>A masker with nothing to hide.</summary>
        public static SecretMasker None => new SecretMasker();

        /// <summary>True when at least one value is masked.</summary>
        public bool HasSecrets => values.Count > 0;

        /// <summary>Adds a value to hide (ignored when too short to be a secret).</summary>
        public void Add(string? value)
        {
            if (value == null) return;
            var v = value.Trim();
            if (v.Length < MinimumLength || values.Contains(v)) return;
            values.Add(v);
            // Longest first, so a secret containing another is replaced whole.
            values.Sort((a, b) => b.Length.CompareTo(a.Length));
        }

        /// <summary><paramref name="text"/> with every known value replaced by <see cref="Mask"/>.</summary>
        public string Apply(string text)
        {
            if (values.Count == 0 || string.IsNullOrEmpty(text)) return text;
            foreach (var v in values)
                if (text.IndexOf(v, StringComparison.Ordinal) >= 0) text = text.Replace(v, Mask);
            return text;
        }

        /// <summary>
        /// The masker for a step's environment: the value of every variable a reference named
        /// (looked up with <paramref name="lookup"/>, default this process's environment), and every
        /// value under a secret-looking name.
        /// </summary>
        public static SecretMasker ForStep(IDictionary<string, string> declared, IDictionary<string, string> resolved, Func<string, string?>? lookup = null)
        {
            lookup ??= Environment.GetEnvironmentVariable;
            var m = new SecretMasker();
            foreach (var kv in declared)
            {
                if (SecretReference.IsReference(kv.Value))
                    foreach (var name in SecretReference.ReferencedNames(kv.Value)) m.Add(lookup(name));
                if (SecretReference.IsSecretName(kv.Key) && resolved.TryGetValue(kv.Key, out var value)) m.Add(value);
            }
            return m;
        }
    }
}
