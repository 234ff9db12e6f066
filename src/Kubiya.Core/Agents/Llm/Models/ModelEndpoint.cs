using System;

namespace Kubiya.Core.Agents.Llm.Models
{
    /// <summary>
    /// One configured model: where it is served and how it is priced. Holds the key only as it is
    /// written in the configuration (a reference such as <c>os.environ/NAME</c>), never its value.
    /// </summary>
    public sealed class ModelEndpoint
    {
        /// <summary>The gateway name agents use (<c>model_name</c>).</summary>
        public string Name { get; set; } = "";
        /// <summary>The provider (see <see cref="ModelProviders"/>).</summary>
        public string Provider { get; set; } = ModelProviders.OpenAi;
        /// <summary>The model sent to the provider (for Azure: the deployment name).</summary>
        public string ProviderModel { get; set; } = "";
        /// <summary>The OpenAI-compatible base URL (for Azure: the resource URL).</summary>
        public string ApiBase { get; set; } = ModelProviders.OpenAiBaseUrl;
        /// <summary>The key as configured: a reference, a literal, or null for keyless endpoints (Ollama, vLLM).</summary>
        public string? ApiKey { get; set; }
        /// <summary>Azure's <c>api-version</c>.</summary>
        public string? ApiVersion { get; set; }
        /// <summary>USD per token, when configured.</summary>
        public ModelPrice? Price { get; set; }
        /// <summary>Network timeout of one call, when configured.</summary>
        public TimeSpan? Timeout { get; set; }
        /// <summary>Default upper bound on completion tokens, when configured.</summary>
        public int? MaxTokens { get; set; }
        /// <summary>Where it was configured (<c>FILE:LINE:COLUMN</c>, or the environment variables of the default).</summary>
        public string Source { get; set; } = "";

        /// <summary>True for the Azure OpenAI deployment form.</summary>
        public bool IsAzure => string.Equals(Provider, ModelProviders.Azure, StringComparison.Ordinal);

        /// <summary>A copy answering to another name and provider model (the OPENAI_* default serving any name).</summary>
        internal ModelEndpoint For(string name) => new ModelEndpoint
        {
            Name = name, Provider = Provider, ProviderModel = name, ApiBase = ApiBase, ApiKey = ApiKey,
            ApiVersion = ApiVersion, Price = Price, Timeout = Timeout, MaxTokens = MaxTokens, Source = Source,
        };

        /// <inheritdoc />
        public override string ToString() => $"{Name} ({Provider}/{ProviderModel} at {ApiBase})";
    }
}
