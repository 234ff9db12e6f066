using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Activities;
using Kubiya.Core.Agents.Llm.Models;
using Kubiya.Core.Agents.Llm.Tools;
using Kubiya.Core.Workflows;
using Microsoft.Extensions.Logging;
using Temporalio.Activities;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Kubiya.Core.Agents.Llm.Loop
{
    /// <summary>
    /// The activities of the agent loop: one model call (streaming its text to the execution's log)
    /// and one tool call (heartbeating while it runs). Keys are resolved by the gateway on this
    /// worker and never appear in inputs, results or errors.
    /// </summary>
    public sealed class LlmActivities
    {
        /// <summary>Step name model text is logged under.</summary>
        public const string ModelStep = "model";

        private readonly ITemporalClient client;
        private readonly IModelGateway gateway;
        private readonly IToolRunner tools;
        private readonly Func<McpToolsInput, CancellationToken, Task<List<ToolSpec>>>? listMcpTools;
        private readonly string identity;
        private readonly TimeSpan heartbeatInterval;
        private readonly ILogger logger;

        /// <summary>Creates the activities of one worker.</summary>
        public LlmActivities(ITemporalClient client, IModelGateway gateway, IToolRunner tools,
            Func<McpToolsInput, CancellationToken, Task<List<ToolSpec>>>? listMcpTools,
            string identity, TimeSpan heartbeatInterval, ILogger logger)
        {
            this.client = client;
            this.gateway = gateway;
            this.tools = tools;
            this.listMcpTools = listMcpTools;
            this.identity = identity;
            this.heartbeatInterval = heartbeatInterval;
            this.logger = logger;
        }

        /// <summary>Folder for executions that name none; null = the process's current folder.</summary>
        public string? DefaultWorkingDirectory { get; set; }

        /// <summary>One model call; its text streams to the log as <c>Message</c> lines.</summary>
        [Activity(WorkflowNames.ModelTurnActivity)]
        public Task<ModelTurnOutput> ModelTurnAsync(ModelTurnInput input) => OutcomeReporter.RunAsync(client, logger, () => ModelTurnCoreAsync(input));

        private async Task<ModelTurnOutput> ModelTurnCoreAsync(ModelTurnInput input)
        {
            var ctx = ActivityExecutionContext.Current;
            using var heartbeatStop = new CancellationTokenSource();
            var heartbeats = HeartbeatAsync(ctx, heartbeatStop.Token);
            using var batcher = new LogBatcher(client, input.ExecutionId, ModelStep, input.Turn, identity, logger);
            var lines = new MessageLines(line => batcher.Add(line, false, LlmLogKinds.Message));
            try
            {
                var result = await gateway.CompleteAsync(input.Request, lines.Append, ctx.CancellationToken).ConfigureAwait(false);
                lines.Flush();
                logger.LogInformation("{Execution} turn {Turn}: {Model} answered ({In} in / {Out} out tokens, {Calls} tool call(s))",
                    input.ExecutionId, input.Turn, input.Request.Model, result.Usage.InputTokens, result.Usage.OutputTokens, result.Message.ToolCalls.Count);
                return new ModelTurnOutput { Result = result, Worker = identity };
            }
            catch (ModelCallException ex)
            {
                lines.Flush();
                logger.LogWarning("{Execution} turn {Turn}: model call failed ({ErrorId}): {Message}", input.ExecutionId, input.Turn, ex.ErrorId, ex.Message);
                throw new ApplicationFailureException(ex.Message, ex.ErrorId, nonRetryable: !ex.Retryable);
            }
            finally
            {
                heartbeatStop.Cancel();
                await heartbeats.ConfigureAwait(false);
                await batcher.CompleteAsync().ConfigureAwait(false);
            }
        }

        /// <summary>One tool call, confined to the execution's folder; heartbeats while it runs.</summary>
        [Activity(WorkflowNames.RunToolActivity)]
        public Task<ToolCallOutput> RunToolAsync(ToolCallInput input) => OutcomeReporter.RunAsync(client, logger, () => RunToolCoreAsync(input));

        private async Task<ToolCallOutput> RunToolCoreAsync(ToolCallInput input)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var ctx = ActivityExecutionContext.Current;
            var request = input.Request;
            request.WorkingDirectory = ResolveDirectory(request.WorkingDirectory);
            using var batcher = new LogBatcher(client, request.ExecutionId, "tool:" + request.Tool, input.Turn, identity, logger);
            using var heartbeatStop = new CancellationTokenSource();
            var heartbeats = HeartbeatAsync(ctx, heartbeatStop.Token);
            logger.LogInformation("{Execution} turn {Turn}: tool {Tool} started (attempt {Attempt})", request.ExecutionId, input.Turn, request.Tool, ctx.Info.Attempt);
            try
            {
                var result = await tools.RunAsync(request, (line, isError) => batcher.Add(line, isError), ctx.CancellationToken).ConfigureAwait(false);
                logger.LogInformation("{Execution} turn {Turn}: tool {Tool} finished{Error}", request.ExecutionId, input.Turn, request.Tool, result.IsError ? " with an error" : "");
                return new ToolCallOutput { Result = result, Worker = identity, DurationMs = watch.ElapsedMilliseconds };
            }
            catch (OperationCanceledException)
            {
                batcher.Add("[kubiya] tool call cancelled", true);
                throw;
            }
            finally
            {
                heartbeatStop.Cancel();
                await heartbeats.ConfigureAwait(false);
                await batcher.CompleteAsync().ConfigureAwait(false);
            }
        }

        /// <summary>Lists the tools of the agent's MCP servers (once per execution; the result is in history).</summary>
        [Activity(WorkflowNames.ListMcpToolsActivity)]
        public async Task<List<ToolSpec>> ListMcpToolsAsync(McpToolsInput input)
        {
            if (input.Servers.Count == 0) return new List<ToolSpec>();
            if (listMcpTools == null)
                throw new ApplicationFailureException($"Worker {identity} cannot start MCP servers.", "McpUnavailable", nonRetryable: true);
            input.WorkingDirectory = ResolveDirectory(input.WorkingDirectory);
            try
            {
                return await listMcpTools(input, ActivityExecutionContext.Current.CancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException) && !(ex is ApplicationFailureException))
            {
                throw new ApplicationFailureException($"Could not list the MCP servers' tools: {ex.Message}", "McpServerFailed", nonRetryable: true);
            }
        }

        private async Task HeartbeatAsync(ActivityExecutionContext ctx, CancellationToken stop)
        {
            while (true)
            {
                try
                {
                    await Task.Delay(heartbeatInterval, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                ctx.Heartbeat();
            }
        }

        private string ResolveDirectory(string? requested)
        {
            var root = DefaultWorkingDirectory ?? Directory.GetCurrentDirectory();
            var dir = string.IsNullOrWhiteSpace(requested) ? root : Path.IsPathRooted(requested) ? requested! : Path.Combine(root, requested);
            if (!Directory.Exists(dir))
                throw new ApplicationFailureException($"Working directory '{dir}' does not exist on worker {identity}.", "WorkingDirectoryNotFound", nonRetryable: true);
            return Path.GetFullPath(dir);
        }

        /// <summary>Cuts streamed text into log lines: at line breaks, or at a space once a line grows long.</summary>
        private sealed class MessageLines
        {
            private const int SoftLimit = 160;
            private readonly StringBuilder pending = new StringBuilder();
            private readonly Action<string> emit;
            private readonly object gate = new object();

            public MessageLines(Action<string> emit) => this.emit = emit;

            public void Append(string delta)
            {
                lock (gate)
                {
                    foreach (var c in delta)
                    {
                        if (c == '\n') { emit(pending.ToString().TrimEnd('\r')); pending.Clear(); continue; }
                        pending.Append(c);
                        if (c == ' ' && pending.Length >= SoftLimit) { emit(pending.ToString().TrimEnd()); pending.Clear(); }
                    }
                }
            }

            public void Flush()
            {
                lock (gate)
                {
                    if (pending.Length > 0) emit(pending.ToString());
                    pending.Clear();
                }
            }
        }
    }

    /// <summary>Kinds of <see cref="LogLine"/> written by the agent loop.</summary>
    public static class LlmLogKinds
    {
        /// <summary>Model text.</summary>
        public const string Message = "Message";
    }
}
