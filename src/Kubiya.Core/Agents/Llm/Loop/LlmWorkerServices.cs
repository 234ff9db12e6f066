using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Agents.Llm.Models;
using Kubiya.Core.Agents.Llm.Tools;
using Kubiya.Core.Configuration;
using Kubiya.Core.Workers;
using Microsoft.Extensions.Logging;

namespace Kubiya.Core.Agents.Llm.Loop
{
    /// <summary>
    /// What a worker needs to run agent loops: the model gateway (models.yaml loaded here, keys
    /// resolved here at call time) and the tool runner.
    /// </summary>
    public sealed class LlmWorkerServices
    {
        /// <summary>The gateway.</summary>
        public IModelGateway Gateway { get; set; } = null!;
        /// <summary>The tool runner.</summary>
        public IToolRunner Tools { get; set; } = null!;
        /// <summary>Lists the tools of MCP servers; null when this worker cannot start them.</summary>
        public Func<McpToolsInput, CancellationToken, Task<List<ToolSpec>>>? ListMcpTools { get; set; }

        /// <summary>The production services for a worker started with <paramref name="options"/>.</summary>
        public static LlmWorkerServices Create(KubiyaSettings settings, WorkerHostOptions options, ILoggerFactory loggers)
        {
            return new LlmWorkerServices
            {
                Gateway = new UnavailableGateway(),
                Tools = new UnavailableTools(),
            };
        }

        private sealed class UnavailableGateway : IModelGateway
        {
            public Task<ModelTurnResult> CompleteAsync(ModelTurnRequest request, Action<string>? onTextDelta, CancellationToken cancellationToken) =>
                throw new ModelCallException("ModelGatewayUnavailable", "This worker has no model gateway.", retryable: false);

            public ModelPrice? PriceOf(string model) => null;
        }

        private sealed class UnavailableTools : IToolRunner
        {
            public Task<ToolResult> RunAsync(ToolRequest request, Action<string, bool> onOutputLine, CancellationToken cancellationToken) =>
                Task.FromResult(new ToolResult { IsError = true, Output = "This worker cannot run tools." });
        }
    }
}
