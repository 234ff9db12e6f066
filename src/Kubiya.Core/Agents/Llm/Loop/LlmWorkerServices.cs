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
    public sealed class LlmWorkerServices : IDisposable
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
            // One runner per worker: MCP servers it starts are shared by the worker's calls and stopped with it.
            var tools = new ToolRunner(options.PowerShellRunner)
            {
                // The product's credentials, including the keys models.yaml refers to, stay out of tools.
                WithheldVariables = Secrets.ProductSecrets.EnvironmentNames(settings.Paths),
            };
            return new LlmWorkerServices
            {
                Gateway = new UnavailableGateway(),
                Tools = tools,
                ListMcpTools = (input, ct) => tools.McpTools.ListToolsAsync(input.Servers, string.IsNullOrWhiteSpace(input.WorkingDirectory) ? null : input.WorkingDirectory, ct),
            };
        }

        /// <summary>Stops what the services started (MCP server processes).</summary>
        public void Dispose() => (Tools as IDisposable)?.Dispose();

        private sealed class UnavailableGateway : IModelGateway
        {
            public Task<ModelTurnResult> CompleteAsync(ModelTurnRequest request, Action<string>? onTextDelta, CancellationToken cancellationToken) =>
                throw new ModelCallException("ModelGatewayUnavailable", "This worker has no model gateway.", retryable: false);

            public ModelPrice? PriceOf(string model) => null;
        }
    }
}
