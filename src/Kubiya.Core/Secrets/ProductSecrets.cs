using System;
using System.Collections.Generic;
using System.IO;
using Kubiya.Core.Configuration;

namespace Kubiya.Core.Secrets
{
    /// <summary>
    /// The product's own credentials in a worker's environment: the Kubiya API key, the server's
    /// API key and model provider keys (those named here and those models.yaml / config.yaml refer
    /// to). Steps run without them unless an agent passes one explicitly in its <c>env</c>.
    /// </summary>
    public static class ProductSecrets
    {
        /// <summary>Variables always withheld from steps.</summary>
        public static readonly IReadOnlyList<string> WellKnown = new[]
        {
            "KUBIYA_API_KEY", "KUBIYA_SERVER_API_KEY", "KUBIYA_SERVER_TOKEN",
            "OPENAI_API_KEY", "AZURE_OPENAI_API_KEY", "AZURE_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY",
            "MISTRAL_API_KEY", "GROQ_API_KEY", "TOGETHER_API_KEY", "DEEPSEEK_API_KEY", "OPENROUTER_API_KEY",
            "LITELLM_API_KEY", "LITELLM_MASTER_KEY", "HUGGINGFACE_API_KEY", "COHERE_API_KEY",
        };

        /// <summary>Every variable name withheld from steps of a worker using <paramref name="paths"/>.</summary>
        public static ISet<string> EnvironmentNames(KubiyaPaths paths)
        {
            var names = new HashSet<string>(WellKnown, StringComparer.OrdinalIgnoreCase);
            foreach (var file in new[] { Path.Combine(paths.Home, "models.yaml"), paths.ConfigFile })
            {
                string text;
                try
                {
                    if (!File.Exists(file) || new FileInfo(file).Length > 1024 * 1024) continue;
                    text = File.ReadAllText(file);
                }
                catch (IOException) { continue; }
                catch (UnauthorizedAccessException) { continue; }
                foreach (var n in SecretReference.ReferencedNames(text)) names.Add(n);
            }
            return names;
        }
    }
}
