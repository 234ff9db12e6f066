using Google.Protobuf;
using Google.Protobuf.Collections;
using Kubiya.Server.Engine.Nexus;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Failure = Temporalio.Api.Failure.V1.Failure;

namespace Kubiya.Server.Engine;

/// <summary>
/// The handler side of an asynchronous Nexus operation backed by a workflow: the completion
/// callbacks and links a handler passes when it starts the workflow, and the delivery of the
/// workflow's outcome to the caller when it closes. This server is one node, so a callback to
/// temporal://system is delivered in the very transaction that closes the handler workflow.
/// </summary>
public sealed partial class WorkflowEngine
{
    /// <summary>The header a handler SDK adds to the callback with the operation token it returned.</summary>
    private const string OperationTokenHeader = "Nexus-Operation-Token";

    /// <summary>
    /// Records the links and completion callbacks of a start on the run it created (StartWorkflowExecution).
    /// A start that found the workflow running (conflict policy UseExisting) attaches its callbacks to
    /// that run when the request asks to, so a second operation backed by the same workflow completes too.
    /// </summary>
    internal void AttachNexusStart(Tx tx, StartOutcome outcome, RepeatedField<Callback> callbacks, RepeatedField<Link> links,
        Temporalio.Api.Workflow.V1.OnConflictOptions? onConflict)
    {
        if (callbacks.Count == 0 && links.Count == 0) return;
        foreach (var cb in callbacks)
            if (cb.VariantCase != Callback.VariantOneofCase.Nexus || cb.Nexus.Url != NexusSystemCallbackUrl)
                throw ServerErrors.InvalidArgument(
                    $"Completion callback '{(cb.VariantCase == Callback.VariantOneofCase.Nexus ? cb.Nexus.Url : cb.VariantCase.ToString())}' is not allowed: Kubiya.Server delivers completion callbacks only for Nexus operations it dispatched ({NexusSystemCallbackUrl}).");
        var e = outcome.Execution;
        if (!outcome.Started && e.IsOpen && onConflict?.AttachCompletionCallbacks == true && callbacks.Count > 0)
        {
            tx.Touch(e);
            var existing = NexusOf(e);
            foreach (var bytes in callbacks.Select(c => c.ToByteArray()))
                if (!existing.Callbacks.Any(b => b.AsSpan().SequenceEqual(bytes))) existing.Callbacks.Add(bytes);
            if (existing.CallbacksRegisteredMs == 0) existing.CallbacksRegisteredMs = Clock.NowMs();
            return;
        }
        if (!outcome.Started || !e.IsNew || e.History.Count == 0) return;
        var first = e.History[0];
        var before = first.CalculateSize();
        // Handler SDKs may pass the same inbound link twice (on the start and on its callback); one is the fact.
        first.Links.AddRange(links.Distinct());
        first.WorkflowExecutionStartedEventAttributes.CompletionCallbacks.AddRange(callbacks);
        e.HistorySizeBytes += first.CalculateSize() - before;
        if (callbacks.Count == 0) return;
        var nexus = NexusOf(e);
        nexus.Callbacks.AddRange(callbacks.Select(c => c.ToByteArray()));
        nexus.CallbacksRegisteredMs = Clock.NowMs();
    }

    /// <summary>A run continuing an earlier one (continue-as-new, retry, cron) owes its completion to the same callers.</summary>
    internal void InheritNexusCallbacks(Execution next, string? previousRunId)
    {
        if (previousRunId == null || LoadRun(next.State.Namespace, previousRunId) is not { State.Nexus: { Callbacks.Count: > 0 } previous }) return;
        var nexus = NexusOf(next);
        nexus.Callbacks.AddRange(previous.Callbacks);
        nexus.CallbacksRegisteredMs = previous.CallbacksRegisteredMs;
    }

    /// <summary>
    /// A run closed (called from Close): its pending operations are dropped and, unless a next run
    /// carries on, its completion callbacks deliver the outcome to the callers.
    /// </summary>
    private void CloseNexus(Tx tx, Execution e, WorkflowExecutionStatus status, HistoryEvent closeEvent)
    {
        if (e.State.Nexus is not { } nexus) return;
        nexus.Operations.Clear();
        if (e.State.NewRunId != null || nexus.Callbacks.Count == 0) return;
        foreach (var bytes in nexus.Callbacks)
        {
            var cb = Callback.Parser.ParseFrom(bytes);
            var headers = cb.Nexus.Header.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);
            var target = NexusCallbackToken.Decode(headers.GetValueOrDefault(NexusCallbackToken.Header));
            if (target == null)
            {
                Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(log, "Workflow {WorkflowId} closed with a completion callback this server did not issue; it is dropped", e.State.WorkflowId);
                continue;
            }
            DeliverNexusCompletion(tx, e, status, closeEvent, target, headers.GetValueOrDefault(OperationTokenHeader) ?? "");
        }
        nexus.CallbacksDeliveredMs = Clock.NowMs();
    }

    private void DeliverNexusCompletion(Tx tx, Execution handler, WorkflowExecutionStatus status, HistoryEvent closeEvent,
        NexusCallbackToken target, string operationToken)
    {
        if (!Namespaces.Exists(target.Namespace)) return;
        var caller = LoadRun(target.Namespace, target.RunId);
        if (caller == null || !caller.IsOpen || caller.State.WorkflowId != target.WorkflowId) return;
        if (PendingNexus(caller, target.ScheduledEventId) is not { } op || op.RequestId != target.RequestId) return;
        tx.Touch(caller);
        var hs = handler.State;
        // The handler's workflow may finish before its start answer reached us: it has started, then.
        MarkNexusStarted(tx, caller, op, operationToken,
            new[] { new Link { WorkflowEvent = new() { Namespace = hs.Namespace, WorkflowId = hs.WorkflowId, RunId = hs.RunId, EventRef = new() { EventId = 1, EventType = EventType.WorkflowExecutionStarted } } } });
        var closedLink = new[] { new Link { WorkflowEvent = new() { Namespace = hs.Namespace, WorkflowId = hs.WorkflowId, RunId = hs.RunId, EventRef = new() { EventId = closeEvent.EventId, EventType = closeEvent.EventType } } } };
        switch (status)
        {
            case WorkflowExecutionStatus.Completed:
                var result = closeEvent.WorkflowExecutionCompletedEventAttributes.Result?.Payloads_.FirstOrDefault();
                AppendNexusOutcome(tx, caller, op, EventType.NexusOperationCompleted, null, result, closedLink);
                break;
            case WorkflowExecutionStatus.Canceled:
                var canceled = new Failure { Message = "operation canceled", CanceledFailureInfo = new() { Details = closeEvent.WorkflowExecutionCanceledEventAttributes.Details } };
                AppendNexusOutcome(tx, caller, op, EventType.NexusOperationCanceled, NexusFailures.Wrap(op, canceled), links: closedLink);
                break;
            case WorkflowExecutionStatus.Failed:
                AppendNexusOutcome(tx, caller, op, EventType.NexusOperationFailed,
                    NexusFailures.Wrap(op, closeEvent.WorkflowExecutionFailedEventAttributes.Failure ?? new Failure { Message = "operation failed" }), links: closedLink);
                break;
            case WorkflowExecutionStatus.Terminated:
                var terminated = new Failure { Message = "operation terminated", TerminatedFailureInfo = new() };
                AppendNexusOutcome(tx, caller, op, EventType.NexusOperationFailed, NexusFailures.Wrap(op, terminated), links: closedLink);
                break;
            default:
                var timedOut = new Failure { Message = "operation exceeded internal timeout", TimeoutFailureInfo = new() { TimeoutType = TimeoutType.StartToClose } };
                AppendNexusOutcome(tx, caller, op, EventType.NexusOperationFailed, NexusFailures.Wrap(op, timedOut), links: closedLink);
                break;
        }
    }
}
