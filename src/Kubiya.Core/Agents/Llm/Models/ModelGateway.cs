using System;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Configuration;
using Kubiya.Core.Errors;
using Kubiya.Core.Secrets;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;

namespace Kubiya.Core.Agents.Llm.Models
{
    /// <summary>
    /// <see cref="IModelGateway"/> over Microsoft.Extensions.AI's <see cref="IChatClient"/> on the
    /// OpenAI client: OpenAI, Azure OpenAI (deployment URL, <c>api-key</c>, <c>api-version</c>),
    /// Ollama, vLLM and LiteLLM proxies. Every call streams; the key is resolved from its reference
    /// at call time and appears in no message, exception or log. The client never retries on its own:
    /// retries belong to the activity's retry policy, so one call is one request.
    /// </summary>
    public sealed class ModelGateway : IModelGateway
    {
        /// <summary>The network timeout of a call when the model sets none.</summary>
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

        private readonly ModelCatalog catalog;
        private readonly Func<string, string?> env;
        private readonly ConcurrentDictionary<(string Name, string Base, string? Key), IChatClient> clients =
            new ConcurrentDictionary<(string, string, string?), IChatClient>();

        /// <summary>Creates the gateway; keys are read from <paramref name="env"/> (default: this process's environment) at each call.</summary>
        public ModelGateway(ModelCatalog catalog, Func<string, string?>? env = null)
        {
            this.catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
            this.env = env ?? Environment.GetEnvironmentVariable;
        }

        /// <summary>
        /// The gateway a worker starts with. A model list that cannot be read does not stop the worker
        /// (runbooks need no model): every model call then fails with <c>ModelConfigInvalid</c> and the
        /// reason. <paramref name="warn"/> receives the catalog's warnings and that reason, for the worker log.
        /// </summary>
        public static IModelGateway ForWorker(ModelCatalogOptions? options, KubiyaPaths paths, Func<string, string?>? env = null, Action<string>? warn = null)
        {
            env ??= Environment.GetEnvironmentVariable;
            try
            {
                var catalog = ModelCatalog.Load(options, paths, env);
                foreach (var warning in catalog.Warnings) warn?.Invoke(warning);
                return new ModelGateway(catalog, env);
            }
            catch (KubiyaException ex)
            {
                warn?.Invoke(ex.Message);
                return new UnreadableCatalogGateway(ex.ErrorId, ex.Message);
            }
        }

        /// <summary>The catalog this gateway serves.</summary>
        public ModelCatalog Catalog => catalog;

        /// <inheritdoc />
        public ModelPrice? PriceOf(string model) => catalog.PriceOf(model);

        /// <inheritdoc />
        public async Task<ModelTurnResult> CompleteAsync(ModelTurnRequest request, Action<string>? onTextDelta, CancellationToken cancellationToken)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            var endpoint = Resolve(request.Model);
            var key = ResolveKey(endpoint);
            var client = ClientFor(endpoint, key);
            var messages = ChatMapping.ToChatMessages(request.Messages);
            var options = ChatMapping.ToOptions(request, endpoint);

            var text = new StringBuilder();
            var toolCalls = new ToolCallAssembler();
            long inputTokens = 0, outputTokens = 0;
            var usageReported = false;
            string? finishReason = null, providerModel = null;
            ExceptionDispatchInfo? callbackFailure = null;
            try
            {
                await foreach (var update in client.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
                {
                    providerModel ??= update.ModelId;
                    if (update.FinishReason is { } finish) finishReason = finish.Value;
                    if (update.RawRepresentation is StreamingChatCompletionUpdate raw) toolCalls.Add(raw);
                    foreach (var content in update.Contents)
                    {
                        switch (content)
                        {
                            case TextContent t when !string.IsNullOrEmpty(t.Text):
                                text.Append(t.Text);
                                if (onTextDelta != null)
                                {
                                    try { onTextDelta(t.Text); }
                                    catch (Exception ex) { callbackFailure = ExceptionDispatchInfo.Capture(ex); }
                                }
                                break;
                            case FunctionCallContent call when !(update.RawRepresentation is StreamingChatCompletionUpdate):
                                toolCalls.Add(call);
                                break;
                            case UsageContent usage:
                                usageReported = true;
                                inputTokens = usage.Details.InputTokenCount ?? inputTokens;
                                outputTokens = usage.Details.OutputTokenCount ?? outputTokens;
                                break;
                        }
                    }
                    if (callbackFailure != null) break;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                throw ModelErrors.Map(ex, endpoint, key);
            }
            callbackFailure?.Throw();

            var calls = toolCalls.Result();
            if (text.Length == 0 && calls.Count == 0 && finishReason == null)
                throw new ModelCallException(ModelErrorIds.BadResponse,
                    $"The endpoint of model '{endpoint.Name}' at {ModelErrors.Host(endpoint)} ended its answer without any content.", retryable: true);

            return new ModelTurnResult
            {
                Message = new LlmMessage { Role = LlmRoles.Assistant, Text = text.Length == 0 ? null : text.ToString(), ToolCalls = calls },
                Usage = new LlmUsage
                {
                    InputTokens = inputTokens,
                    OutputTokens = outputTokens,
                    // No usage from the endpoint: the price is unknown, not zero.
                    CostUsd = usageReported ? endpoint.Price?.Cost(inputTokens, outputTokens) : null,
                },
                ProviderModel = providerModel ?? endpoint.ProviderModel,
                FinishReason = finishReason,
            };
        }

        /// <summary>Stands in when the model list could not be read: every call reports why.</summary>
        private sealed class UnreadableCatalogGateway : IModelGateway
        {
            private readonly string errorId;
            private readonly string message;

            public UnreadableCatalogGateway(string errorId, string message)
            {
                this.errorId = errorId;
                this.message = message;
            }

            public Task<ModelTurnResult> CompleteAsync(ModelTurnRequest request, Action<string>? onTextDelta, CancellationToken cancellationToken) =>
                throw new ModelCallException(errorId, message, retryable: false);

            public ModelPrice? PriceOf(string model) => null;
        }

        private ModelEndpoint Resolve(string model)
        {
            try { return catalog.Resolve(model); }
            catch (KubiyaException ex) { throw new ModelCallException(ex.ErrorId, ex.Message, retryable: false); }
        }

        private string? ResolveKey(ModelEndpoint endpoint)
        {
            if (endpoint.ApiKey == null) return null;
            try { return SecretReference.Resolve(endpoint.ApiKey, env); }
            catch (SecretNotFoundException ex)
            {
                throw new ModelCallException(ModelErrorIds.ConfigInvalid, $"Model '{endpoint.Name}' needs an API key: {ex.Message}", retryable: false);
            }
        }

        private IChatClient ClientFor(ModelEndpoint endpoint, string? key) =>
            clients.GetOrAdd((endpoint.Name, endpoint.ApiBase, key), _ => CreateClient(endpoint, key));

        private static IChatClient CreateClient(ModelEndpoint endpoint, string? key)
        {
            var options = new OpenAIClientOptions
            {
                Endpoint = EndpointPolicies.BaseUri(endpoint),
                RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
                NetworkTimeout = endpoint.Timeout ?? DefaultTimeout,
            };
            if (endpoint.IsAzure && endpoint.ApiVersion != null)
                options.AddPolicy(new EndpointPolicies.ApiVersionPolicy(endpoint.ApiVersion), PipelinePosition.PerCall);
            if (EndpointPolicies.KeyHeader(endpoint, key) is { } keyHeader) options.AddPolicy(keyHeader, PipelinePosition.BeforeTransport);
            var chat = new ChatClient(endpoint.ProviderModel, EndpointPolicies.Credential(key), options);
            return chat.AsIChatClient();
        }
    }
}
