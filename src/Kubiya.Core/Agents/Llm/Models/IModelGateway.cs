using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Kubiya.Core.Agents.Llm.Models
{
    /// <summary>
    /// Reaches the configured models (models.yaml, OPENAI_* defaults) through an
    /// OpenAI-compatible chat client. Resolves keys at call time; never returns or logs them.
    /// </summary>
    public interface IModelGateway
    {
        /// <summary>
        /// One model call, streamed: <paramref name="onTextDelta"/> receives text as it is written.
        /// Throws <see cref="ModelCallException"/> with a readable, key-free message on failure.
        /// </summary>
        Task<ModelTurnResult> CompleteAsync(ModelTurnRequest request, Action<string>? onTextDelta, CancellationToken cancellationToken);

        /// <summary>The price of a model name, or null when unknown.</summary>
        ModelPrice? PriceOf(string model);
    }

    /// <summary>The input of one model call.</summary>
    public sealed class ModelTurnRequest
    {
        /// <summary>Gateway model name (a models.yaml <c>model_name</c>, or a provider model for the OPENAI_* default).</summary>
        public string Model { get; set; } = "";
        /// <summary>The conversation so far, system message first.</summary>
        public List<LlmMessage> Messages { get; set; } = new List<LlmMessage>();
        /// <summary>Tools the model may call.</summary>
        public List<ToolSpec> Tools { get; set; } = new List<ToolSpec>();
        /// <summary>Sampling temperature, when the agent sets one.</summary>
        public double? Temperature { get; set; }
        /// <summary>Upper bound on completion tokens, when set.</summary>
        public int? MaxOutputTokens { get; set; }
    }

    /// <summary>What one model call produced.</summary>
    public sealed class ModelTurnResult
    {
        /// <summary>The assistant message (text and/or tool calls).</summary>
        public LlmMessage Message { get; set; } = new LlmMessage { Role = LlmRoles.Assistant };
        /// <summary>Tokens and price of this call.</summary>
        public LlmUsage Usage { get; set; } = new LlmUsage();
        /// <summary>The provider model that answered (e.g. <c>gpt-4o-mini</c>).</summary>
        public string ProviderModel { get; set; } = "";
        /// <summary>Why the model stopped (stop, tool_calls, length...), when known.</summary>
        public string? FinishReason { get; set; }
    }

    /// <summary>USD per token.</summary>
    public sealed class ModelPrice
    {
        /// <summary>Per input token.</summary>
        public double InputPerToken { get; set; }
        /// <summary>Per output token.</summary>
        public double OutputPerToken { get; set; }

        /// <summary>The price of a call.</summary>
        public double Cost(long inputTokens, long outputTokens) => inputTokens * InputPerToken + outputTokens * OutputPerToken;
    }

    /// <summary>A model call failed; the message is safe to show (no keys, no raw transport dumps).</summary>
    public sealed class ModelCallException : Exception
    {
        /// <summary>Creates the error.</summary>
        public ModelCallException(string errorId, string message, bool retryable, Exception? inner = null) : base(message, inner)
        {
            ErrorId = errorId;
            Retryable = retryable;
        }

        /// <summary>Specific id: ModelNotFound, ModelAuthFailed, ModelUnreachable, ModelRateLimited, ModelBadResponse, ModelConfigInvalid.</summary>
        public string ErrorId { get; }
        /// <summary>True when trying again may help (timeouts, 429, 5xx).</summary>
        public bool Retryable { get; }
    }
}
