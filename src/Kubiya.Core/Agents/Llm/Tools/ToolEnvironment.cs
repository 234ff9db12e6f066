using System;
using System.Collections.Generic;
using Kubiya.Core.Secrets;

namespace Kubiya.Core.Agents.Llm.Tools
{
    /// <summary>
    /// The environment of a tool's process: the agent's variables with their <c>${env:NAME}</c>
    /// references resolved on this worker, the product's own credentials withheld, and a masker for
    /// every secret value so none reaches the model, the history or the log.
    /// </summary>
    public sealed class ToolEnvironment
    {
        private ToolEnvironment(Dictionary<string, string> values, SecretMasker masker, List<string> withheld)
        {
            Values = values;
            Masker = masker;
            Withheld = withheld;
        }

        /// <summary>Variables to set (resolved).</summary>
        public Dictionary<string, string> Values { get; }

        /// <summary>Masks resolved secrets (referenced values and values under secret-looking names).</summary>
        public SecretMasker Masker { get; }

        /// <summary>Inherited variables to remove (the product's credentials the agent does not set itself).</summary>
        public IReadOnlyList<string> Withheld { get; }

        /// <summary>
        /// Resolves <paramref name="declared"/>. Variables in <paramref name="withheldNames"/> are
        /// removed from what the process inherits unless the agent sets them.
        /// </summary>
        /// <exception cref="ToolException">A referenced variable is not set on this machine.</exception>
        public static ToolEnvironment Resolve(IDictionary<string, string>? declared, ICollection<string>? withheldNames)
        {
            declared ??= new Dictionary<string, string>();
            var referenced = new List<string>();
            Dictionary<string, string> values;
            try
            {
                values = SecretReference.ResolveAll(declared, name =>
                {
                    var value = Environment.GetEnvironmentVariable(name);
                    if (value != null) referenced.Add(value);
                    return value;
                });
            }
            catch (SecretNotFoundException ex)
            {
                throw new ToolException(ex.Message);
            }
            var masker = SecretMasker.ForStep(declared, values);
            // A reference inside a longer value ("Bearer ${env:TOKEN}"): the variable's own value is secret too.
            foreach (var v in referenced) masker.Add(v);
            var withheld = new List<string>();
            if (withheldNames != null)
                foreach (var name in withheldNames)
                    if (!declared.ContainsKey(name)) withheld.Add(name);
            return new ToolEnvironment(values, masker, withheld);
        }
    }
}
