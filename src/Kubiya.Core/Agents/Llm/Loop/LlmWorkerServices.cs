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
    /// What a worker needs to run agent loops: the model gateway (the model list is loaded here and
    /// keys are resolved here, at call time) and the tool runner with its MCP servers.
    /// </summary>
    public sealed class LlmWorkerServices : IDisposable
    {
        /// <summary>The gateway.</summary>
        public IModelGateway Gateway { get; set; } = null!;
        /// <summary>The tool runner.</summary>
        public IToolRunner Tools { get; set; } = null!;
        /// <summary>Lists the tools of MCP servers; null when this worker cannot start them.</summary>
        public Func<McpToolsInput, CancellationToken, Task<List<ToolSpec>>>? ListMcpTools { get; set; }

        /// <summary>
        /// The production services: <see cref="ModelGateway"/> over the model list of
        /// <paramref name="options"/> (file, JSON, else <c>~/.kubiya/models.yaml</c>, else the
        /// <c>OPENAI_*</c> default) and <see cref="ToolRunner"/>. An unreadable model list is logged and
        /// fails each model call with the reason (runbooks on the same worker keep running).
        /// </summary>
        public static LlmWorkerServices Create(KubiyaSettings settings, WorkerHostOptions options, ILoggerFactory loggers)
        {
            var log = loggers.CreateLogger("Kubiya.Agents");
            var gateway = ModelGateway.ForWorker(new ModelCatalogOptions { ConfigFile = options.ModelConfigPath, ConfigJson = options.ModelConfigJson },
                settings.Paths, Environment.GetEnvironmentVariable, warning => log.LogWarning("Model configuration: {Warning}", warning));
            if (gateway is ModelGateway g && g.Catalog.Source != null) log.LogInformation("Models from {Source}: {Names}", g.Catalog.Source, string.Join(", ", g.Catalog.Names));
            // One runner per worker: MCP servers it starts are shared by the worker's calls and stopped with it.
            var tools = new ToolRunner()
            {
                // The product's credentials, including the keys models.yaml refers to, stay out of tools.
                WithheldVariables = Secrets.ProductSecrets.EnvironmentNames(settings.Paths),
            };
            return new LlmWorkerServices
            {
                Gateway = gateway,
                Tools = tools,
                ListMcpTools = (input, ct) => tools.McpTools.ListToolsAsync(input.Servers, string.IsNullOrWhiteSpace(input.WorkingDirectory) ? null : input.WorkingDirectory, ct),
            };
        }

        /// <summary>Stops what the services started (MCP server processes).</summary>
        public void Dispose() => (Tools as IDisposable)?.Dispose();
    }
}
