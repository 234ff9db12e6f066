using System;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace Kubiya.Core.Agents.Llm.Models
{
    /// <summary>The OpenAI client pipeline pieces for endpoints that are not OpenAI itself.</summary>
    internal static class EndpointPolicies
    {
        /// <summary>
        /// How the key travels, applied after the client's own Bearer header: Azure wants it in
        /// <c>api-key</c>, keyless local endpoints (Ollama, vLLM) get no credential at all.
        /// Null when the client's <c>Authorization: Bearer</c> is already right.
        /// </summary>
        public static PipelinePolicy? KeyHeader(ModelEndpoint endpoint, string? key) =>
            string.IsNullOrEmpty(key) ? new KeyHeaderPolicy(null) : endpoint.IsAzure ? new KeyHeaderPolicy(key) : null;

        /// <summary>The credential given to the client (a placeholder for keyless endpoints, removed by <see cref="KeyHeader"/>).</summary>
        public static ApiKeyCredential Credential(string? key) => new ApiKeyCredential(string.IsNullOrEmpty(key) ? "none" : key!);

        /// <summary>Azure's deployment URL: <c>{api_base}/openai/deployments/{deployment}</c> (the client adds <c>/chat/completions</c>).</summary>
        public static Uri BaseUri(ModelEndpoint endpoint) => endpoint.IsAzure
            ? new Uri(endpoint.ApiBase.TrimEnd('/') + "/openai/deployments/" + Uri.EscapeDataString(endpoint.ProviderModel))
            : new Uri(endpoint.ApiBase.TrimEnd('/'));

        /// <summary>Replaces <c>Authorization</c> with <c>api-key</c> (or with nothing).</summary>
        private sealed class KeyHeaderPolicy : PipelinePolicy
        {
            private readonly string? apiKey;

            public KeyHeaderPolicy(string? apiKey) => this.apiKey = apiKey;

            public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
            {
                Apply(message);
                ProcessNext(message, pipeline, currentIndex);
            }

            public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
            {
                Apply(message);
                return ProcessNextAsync(message, pipeline, currentIndex);
            }

            private void Apply(PipelineMessage message)
            {
                message.Request.Headers.Remove("Authorization");
                if (apiKey != null) message.Request.Headers.Set("api-key", apiKey);
            }
        }

        /// <summary>Adds Azure's <c>api-version</c> query parameter to every request.</summary>
        internal sealed class ApiVersionPolicy : PipelinePolicy
        {
            private readonly string version;

            public ApiVersionPolicy(string version) => this.version = version;

            public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
            {
                AddVersion(message);
                ProcessNext(message, pipeline, currentIndex);
            }

            public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
            {
                AddVersion(message);
                return ProcessNextAsync(message, pipeline, currentIndex);
            }

            private void AddVersion(PipelineMessage message)
            {
                var uri = message.Request.Uri;
                if (uri == null || uri.Query.IndexOf("api-version=", StringComparison.Ordinal) >= 0) return;
                var builder = new UriBuilder(uri);
                var query = builder.Query.TrimStart('?');
                builder.Query = (query.Length > 0 ? query + "&" : "") + "api-version=" + Uri.EscapeDataString(version);
                message.Request.Uri = builder.Uri;
            }
        }
    }
}
