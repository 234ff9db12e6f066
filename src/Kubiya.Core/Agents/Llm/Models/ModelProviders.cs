using System;
using System.Collections.Generic;

namespace Kubiya.Core.Agents.Llm.Models
{
    /// <summary>
    /// The LiteLLM provider prefixes of <c>litellm_params.model</c> that speak the OpenAI chat
    /// protocol, and their defaults (base URL, key variable), as LiteLLM applies them.
    /// </summary>
    public static class ModelProviders
    {
        /// <summary>OpenAI, or any OpenAI-compatible endpoint given by <c>api_base</c>.</summary>
        public const string OpenAi = "openai";
        /// <summary>Azure OpenAI (<c>azure/DEPLOYMENT</c>).</summary>
        public const string Azure = "azure";
        /// <summary>Ollama (<c>ollama/MODEL</c>, <c>ollama_chat/MODEL</c>), through its <c>/v1</c> endpoint.</summary>
        public const string Ollama = "ollama";
        /// <summary>vLLM (<c>hosted_vllm/MODEL</c>), through its <c>/v1</c> endpoint.</summary>
        public const string Vllm = "hosted_vllm";
        /// <summary>A LiteLLM proxy (<c>litellm_proxy/MODEL</c>).</summary>
        public const string LiteLlmProxy = "litellm_proxy";

        /// <summary>OpenAI's public endpoint.</summary>
        public const string OpenAiBaseUrl = "https://api.openai.com/v1";
        /// <summary>Ollama's default local endpoint.</summary>
        public const string OllamaBaseUrl = "http://localhost:11434/v1";
        /// <summary>The Azure api-version used when none is configured.</summary>
        public const string DefaultAzureApiVersion = "2024-10-21";

        private static readonly Dictionary<string, string> Aliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["openai"] = OpenAi, ["text-completion-openai"] = OpenAi, ["custom_openai"] = OpenAi,
            ["azure"] = Azure,
            ["ollama"] = Ollama, ["ollama_chat"] = Ollama,
            ["hosted_vllm"] = Vllm, ["vllm"] = Vllm,
            ["litellm_proxy"] = LiteLlmProxy,
        };

        /// <summary>The prefixes accepted, for error messages.</summary>
        public static string Supported => "openai, azure, ollama, ollama_chat, hosted_vllm, litellm_proxy";

        /// <summary>
        /// Splits <c>provider/model</c>. A plain name is an OpenAI model. Returns false for a provider
        /// that does not speak the OpenAI protocol (e.g. <c>anthropic/</c>), with its prefix in <paramref name="provider"/>.
        /// </summary>
        public static bool TryParse(string litellmModel, out string provider, out string model)
        {
            var slash = litellmModel.IndexOf('/');
            if (slash <= 0) { provider = OpenAi; model = litellmModel; return true; }
            var prefix = litellmModel.Substring(0, slash);
            model = litellmModel.Substring(slash + 1);
            if (Aliases.TryGetValue(prefix, out var known)) { provider = known; return true; }
            provider = prefix;
            return false;
        }

        /// <summary>The environment variable LiteLLM reads the key from when <c>api_key</c> is absent (null: keyless).</summary>
        public static string? DefaultKeyVariable(string provider) => provider switch
        {
            OpenAi => "OPENAI_API_KEY",
            Azure => "AZURE_API_KEY",
            LiteLlmProxy => "LITELLM_PROXY_API_KEY",
            _ => null,
        };

        /// <summary>The environment variable LiteLLM reads the base URL from when <c>api_base</c> is absent.</summary>
        public static string? DefaultBaseVariable(string provider) => provider switch
        {
            // As LiteLLM and the OpenAI SDKs: a gateway or proxy set for OpenAI serves the listed openai/ models too.
            OpenAi => "OPENAI_BASE_URL",
            Azure => "AZURE_API_BASE",
            Vllm => "HOSTED_VLLM_API_BASE",
            LiteLlmProxy => "LITELLM_PROXY_API_BASE",
            Ollama => "OLLAMA_API_BASE",
            _ => null,
        };

        /// <summary>
        /// The base URL the OpenAI client is given: Ollama and vLLM serve the protocol under <c>/v1</c>,
        /// which LiteLLM users usually leave out of <c>api_base</c>.
        /// </summary>
        public static string NormalizeBase(string provider, string apiBase)
        {
            var trimmed = apiBase.TrimEnd('/');
            if ((provider == Ollama || provider == Vllm) && Uri.TryCreate(trimmed, UriKind.Absolute, out var uri)
                && (uri.AbsolutePath == "/" || uri.AbsolutePath.Length == 0))
                return trimmed + "/v1";
            return trimmed;
        }
    }
}
