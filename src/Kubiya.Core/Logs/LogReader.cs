using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Google.Protobuf;
using Kubiya.Core.Agents;
using Kubiya.Core.Agents.Llm.Loop;
using Kubiya.Core.Connection;
using Kubiya.Core.Errors;
using Kubiya.Core.Executions;
using Kubiya.Core.Workflows;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;
using Temporalio.Converters;

namespace Kubiya.Core.Logs
{
    /// <summary>
    /// Reads an execution's log from its Temporal history — output batches (signals), step
    /// start / end (activities), questions and checkpoints (memo updates) and the final result —
    /// so it works from any machine, after the worker is gone, and live (long poll) with follow.
    /// A coordinator team's log holds its members' logs too, where each delegation ran.
    /// </summary>
    public sealed partial class LogReader
    {
        private readonly KubiyaConnection connection;
        private readonly IPayloadConverter converter;

        /// <summary>Creates a reader over a connection.</summary>
        public LogReader(KubiyaConnection connection)
        {
            this.connection = connection;
            converter = connection.Client.Options.DataConverter.PayloadConverter;
        }

        /// <summary>
        /// Calls <paramref name="onEntry"/> for each entry in order. With <paramref name="follow"/>
        /// it keeps waiting for new entries until the execution ends.
        /// </summary>
        public async Task ReadAsync(string executionId, bool follow, Action<LogEntry> onEntry, CancellationToken cancellationToken)
        {
            ExecutionService.ValidateId(executionId);
            var steps = new Dictionary<long, StepRequest>();
            var attempts = new AttemptNumbers();
            var calls = new Dictionary<long, object>();
            // Other activities (listing an agent's MCP tools...), so that a failure says what failed.
            var others = new Dictionary<long, string>();
            var members = new Dictionary<long, string>();
            ByteString token = ByteString.Empty;
            var toldDiskFull = false;
            // A conversation that continued as new is a chain of runs: read from the first one.
            var runId = "";
            var atFirstRun = false;
            string? nextRun = null;
            while (true)
            {
                GetWorkflowExecutionHistoryResponse page;
                try
                {
                    page = await connection.Client.Connection.WorkflowService.GetWorkflowExecutionHistoryAsync(
                        new GetWorkflowExecutionHistoryRequest
                        {
                            Namespace = connection.Namespace,
                            Execution = new Temporalio.Api.Common.V1.WorkflowExecution { WorkflowId = executionId, RunId = runId },
                            MaximumPageSize = 1000,
                            NextPageToken = token,
                            WaitNewEvent = follow,
                            HistoryEventFilterType = HistoryEventFilterType.AllEvent,
                        },
                        new RpcOptions { CancellationToken = cancellationToken }).ConfigureAwait(false);
                }
                catch (Temporalio.Exceptions.RpcException ex) when (follow && ex.Code == Temporalio.Exceptions.RpcException.StatusCode.DeadlineExceeded)
                {
                    continue;
                }
                catch (Temporalio.Exceptions.RpcException ex) when (follow && ex.Code == Temporalio.Exceptions.RpcException.StatusCode.FailedPrecondition
                    && ex.Message.IndexOf("disk is full", StringComparison.OrdinalIgnoreCase) >= 0)
                {
                    // Nothing can progress: say so once, then keep waiting.
                    if (!toldDiskFull)
                        onEntry(new LogEntry { Time = DateTimeOffset.UtcNow, ExecutionId = executionId, Kind = LogEntryKind.Warning, Text = ex.Message });
                    toldDiskFull = true;
                    await Task.Delay(2000, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                catch (Exception ex) when (!(ex is OperationCanceledException))
                {
                    throw RpcErrors.Translate(ex, executionId);
                }
                if (!atFirstRun && token.IsEmpty && page.History.Events.Count > 0 &&
                    page.History.Events[0].WorkflowExecutionStartedEventAttributes is { } started &&
                    !string.IsNullOrEmpty(started.ContinuedExecutionRunId) && !string.IsNullOrEmpty(started.FirstExecutionRunId))
                {
                    atFirstRun = true;
                    runId = started.FirstExecutionRunId;
                    continue;
                }
                atFirstRun = true;
                foreach (var e in page.History.Events)
                {
                    if (e.EventType == EventType.StartChildWorkflowExecutionInitiated) NoteMember(e, members);
                    else if (e.EventType == EventType.ChildWorkflowExecutionStarted)
                    {
                        await ReadMemberAsync(e, members, follow, onEntry, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    if (e.EventType == EventType.WorkflowExecutionContinuedAsNew) nextRun = e.WorkflowExecutionContinuedAsNewEventAttributes.NewExecutionRunId;
                    else if (e.EventType == EventType.WorkflowExecutionStarted && !string.IsNullOrEmpty(e.WorkflowExecutionStartedEventAttributes.ContinuedExecutionRunId))
                        continue;
                    foreach (var entry in Interpret(executionId, e, steps, calls, others, attempts))
                        onEntry(entry);
                }
                if (page.NextPageToken.IsEmpty)
                {
                    if (nextRun == null) return;
                    runId = nextRun;
                    nextRun = null;
                    token = ByteString.Empty;
                    continue;
                }
                token = page.NextPageToken;
            }
        }

        /// <summary>Reads the whole log of an execution.</summary>
        public async Task<IReadOnlyList<LogEntry>> ReadAllAsync(string executionId, CancellationToken cancellationToken)
        {
            var list = new List<LogEntry>();
            await ReadAsync(executionId, false, list.Add, cancellationToken).ConfigureAwait(false);
            return list;
        }

        private IEnumerable<LogEntry> Interpret(string id, HistoryEvent e, Dictionary<long, StepRequest> steps, Dictionary<long, object> calls, Dictionary<long, string> others, AttemptNumbers attempts)
        {
            var time = e.EventTime?.ToDateTimeOffset() ?? DateTimeOffset.UtcNow;
            LogEntry Entry(string kind, string text, string? step = null, int? attempt = null, string? worker = null) =>
                new LogEntry { Time = time, ExecutionId = id, Kind = kind, Text = text, Step = step, Attempt = attempt, Worker = worker };

            switch (e.EventType)
            {
                case EventType.WorkflowExecutionStarted:
                {
                    var input = Decode<ExecutionInput>(e.WorkflowExecutionStartedEventAttributes.Input?.Payloads_.FirstOrDefault());
                    var who = input?.Team != null ? "team " + input.Team : "agent " + (input?.Agent ?? "?");
                    var what = input?.Llm != null ? $"model {input.Llm.Model}" : $"{input?.Steps.Count ?? 0} step(s)";
                    yield return Entry(LogEntryKind.Started, $"Execution {id} started ({who}, {what}): {input?.Prompt}");
                    break;
                }
                case EventType.ActivityTaskScheduled:
                {
                    var a = e.ActivityTaskScheduledEventAttributes;
                    if (a.ActivityType.Name == WorkflowNames.RunStepActivity)
                    {
                        var req = Decode<StepRequest>(a.Input?.Payloads_.FirstOrDefault());
                        if (req == null) break;
                        steps[e.EventId] = req;
                        var run = req.Attempt > 1 ? $" (run {req.Attempt})" : "";
                        yield return Entry(LogEntryKind.StepStarted, $"Step '{req.Step}'{run}: {FirstLine(req.Command)}", req.Step, attempts.Scheduled(req.Step, req.Attempt));
                    }
                    else if (a.ActivityType.Name == WorkflowNames.ModelTurnActivity)
                    {
                        var req = Decode<ModelTurnInput>(a.Input?.Payloads_.FirstOrDefault());
                        if (req != null) calls[e.EventId] = req;
                    }
                    else if (a.ActivityType.Name == WorkflowNames.RunToolActivity)
                    {
                        var req = Decode<ToolCallInput>(a.Input?.Payloads_.FirstOrDefault());
                        if (req == null) break;
                        calls[e.EventId] = req;
                        yield return Entry(LogEntryKind.ToolCall, $"Tool {req.Request.Tool} {LlmLogText.Arguments(req.Request.ArgumentsJson)}", "tool:" + req.Request.Tool, req.Turn);
                    }
                    else if (a.ActivityType.Name == WorkflowNames.DetectChangesActivity)
                    {
                        var req = Decode<ChangesRequest>(a.Input?.Payloads_.FirstOrDefault());
                        if (req == null) break;
                        // Remembered so a failure names its step; its result is logged by the workflow.
                        steps[e.EventId] = new StepRequest { ExecutionId = req.ExecutionId, Step = req.Step, Kind = StepKind.Changes };
                        // The base may name variables only the worker resolves: the workflow's checkpoint gives the resolved one.
                        var since = req.Changes.Base.IndexOf("${", StringComparison.Ordinal) < 0 ? $" since {req.Changes.Base}" : "";
                        yield return Entry(LogEntryKind.Checkpoint, $"Step '{req.Step}': looking for changes{since}", req.Step);
                    }
                    else others[e.EventId] = a.ActivityType.Name;
                    break;
                }
                case EventType.ActivityTaskCompleted:
                {
                    var a = e.ActivityTaskCompletedEventAttributes;
                    if (calls.TryGetValue(a.ScheduledEventId, out var call))
                    {
                        foreach (var entry in LlmLogText.Completed(call, a.Result?.Payloads_.FirstOrDefault(), Decode<ModelTurnOutput>, Decode<ToolCallOutput>))
                            yield return Entry(entry.Kind, entry.Text, entry.Step, entry.Attempt, entry.Worker);
                        break;
                    }
                    if (!steps.TryGetValue(a.ScheduledEventId, out var req) || req.Kind == StepKind.Changes) break;
                    var result = Decode<StepResult>(a.Result?.Payloads_.FirstOrDefault());
                    if (result == null) break;
                    var took = TimeSpan.FromMilliseconds(result.DurationMs).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
                    if (result.ExitCode == 0 && !result.TimedOut)
                        yield return Entry(LogEntryKind.StepCompleted, $"Step '{req.Step}' succeeded in {took}s on {result.Worker}", req.Step, attempts.Latest(req.Step, req.Attempt), result.Worker);
                    else
                        yield return Entry(LogEntryKind.StepFailed,
                            result.TimedOut ? $"Step '{req.Step}' timed out after {took}s on {result.Worker}" : $"Step '{req.Step}' exited with code {result.ExitCode} after {took}s on {result.Worker}",
                            req.Step, attempts.Latest(req.Step, req.Attempt), result.Worker);
                    break;
                }
                case EventType.ActivityTaskFailed:
                {
                    var a = e.ActivityTaskFailedEventAttributes;
                    if (calls.TryGetValue(a.ScheduledEventId, out var call))
                    {
                        yield return Entry(LogEntryKind.Warning, $"{LlmLogText.Name(call)} failed: {a.Failure?.Message}");
                        break;
                    }
                    if (!steps.TryGetValue(a.ScheduledEventId, out var req) && others.TryGetValue(a.ScheduledEventId, out var other))
                    {
                        yield return Entry(LogEntryKind.StepFailed, OtherActivityFailed(other, a.Failure?.Message), OtherActivityStep(other), null, a.Identity);
                        break;
                    }
                    yield return Entry(LogEntryKind.StepFailed, $"Step '{req?.Step ?? "?"}' could not run: {a.Failure?.Message}", req?.Step, req?.Attempt, a.Identity);
                    break;
                }
                case EventType.ActivityTaskTimedOut:
                {
                    var a = e.ActivityTaskTimedOutEventAttributes;
                    if (calls.TryGetValue(a.ScheduledEventId, out var call))
                    {
                        yield return Entry(LogEntryKind.Warning, $"{LlmLogText.Name(call)} timed out: {a.Failure?.Message}");
                        break;
                    }
                    if (!steps.TryGetValue(a.ScheduledEventId, out var req) && others.TryGetValue(a.ScheduledEventId, out var other))
                    {
                        yield return Entry(LogEntryKind.StepFailed, OtherActivityFailed(other, a.Failure?.Message, timedOut: true), OtherActivityStep(other));
                        break;
                    }
                    yield return Entry(LogEntryKind.StepFailed, $"Step '{req?.Step ?? "?"}' timed out: {a.Failure?.Message}", req?.Step, req?.Attempt);
                    break;
                }
                case EventType.ActivityTaskCanceled:
                {
                    var a = e.ActivityTaskCanceledEventAttributes;
                    if (calls.TryGetValue(a.ScheduledEventId, out var call))
                    {
                        yield return Entry(LogEntryKind.Warning, $"{LlmLogText.Name(call)} cancelled");
                        break;
                    }
                    steps.TryGetValue(a.ScheduledEventId, out var req);
                    yield return Entry(LogEntryKind.StepFailed, $"Step '{req?.Step ?? "?"}' cancelled", req?.Step, req?.Attempt);
                    break;
                }
                case EventType.WorkflowExecutionSignaled:
                {
                    var a = e.WorkflowExecutionSignaledEventAttributes;
                    if (a.SignalName != WorkflowNames.LogSignal) break;
                    var batch = Decode<LogBatch>(a.Input?.Payloads_.FirstOrDefault());
                    if (batch == null) break;
                    var attempt = attempts.For(batch.Step, batch.Attempt, batch.Retry ?? 1);
                    foreach (var line in batch.Lines)
                        yield return new LogEntry
                        {
                            Time = DateTimeOffset.FromUnixTimeMilliseconds(line.Time),
                            ExecutionId = id,
                            Kind = line.Kind == LlmLogKinds.Message ? LogEntryKind.Message : line.Kind == LogLine.StartedKind ? LogEntryKind.StepStarted : line.Error ? LogEntryKind.Error : LogEntryKind.Output,
                            Step = batch.Step,
                            Attempt = attempt,
                            Worker = batch.Worker,
                            Text = line.Kind == LogLine.StartedKind
                                ? $"Step '{batch.Step}' attempt {attempt} on {batch.Worker} (the previous worker stopped answering): {line.Text}"
                                : line.Text,
                        };
                    break;
                }
                case EventType.WorkflowPropertiesModified:
                {
                    var memo = e.WorkflowPropertiesModifiedEventAttributes.UpsertedMemo;
                    if (memo == null || !memo.Fields.TryGetValue(MemoKeys.Event, out var payload)) break;
                    var ev = Decode<ExecutionEvent>(payload);
                    if (ev == null) break;
                    var kind = Values.KnownNames.Match(LogEntryKind.All, ev.Kind) ?? LogEntryKind.Checkpoint;
                    yield return Entry(kind, ev.Step != null ? $"{ev.Step}: {ev.Text}" : ev.Text, ev.Step);
                    break;
                }
                case EventType.WorkflowExecutionCompleted:
                    yield return Entry(LogEntryKind.Completed, "Execution completed");
                    break;
                case EventType.WorkflowExecutionFailed:
                    yield return Entry(LogEntryKind.Failed, "Execution failed: " + e.WorkflowExecutionFailedEventAttributes.Failure?.Message);
                    break;
                case EventType.WorkflowExecutionTimedOut:
                    yield return Entry(LogEntryKind.Failed, "Execution timed out");
                    break;
                case EventType.WorkflowExecutionCanceled:
                    yield return Entry(LogEntryKind.Cancelled, "Execution cancelled");
                    break;
                case EventType.WorkflowExecutionTerminated:
                    yield return Entry(LogEntryKind.Cancelled, "Execution terminated: " + e.WorkflowExecutionTerminatedEventAttributes.Reason);
                    break;
            }
        }

        private T? Decode<T>(Temporalio.Api.Common.V1.Payload? payload) where T : class
        {
            if (payload == null) return null;
            try
            {
                return converter.ToValue(payload, typeof(T)) as T;
            }
            catch (Exception)
            {
                return null;
            }
        }

        // The MCP listing's own message already says what failed ("Could not list the MCP servers' tools: ...").
        private static string OtherActivityFailed(string activityType, string? message, bool timedOut = false) =>
            activityType == WorkflowNames.ListMcpToolsActivity
                ? timedOut ? $"Listing the MCP servers' tools timed out: {message}" : message ?? "Could not list the MCP servers' tools"
                : $"{activityType} {(timedOut ? "timed out" : "failed")}: {message}";

        private static string? OtherActivityStep(string activityType) => activityType == WorkflowNames.ListMcpToolsActivity ? "mcp" : null;

        private static string FirstLine(string s)
        {
            var i = s.IndexOfAny(new[] { '\r', '\n' });
            return i < 0 ? s : s.Substring(0, i) + " ...";
        }
    }
}
