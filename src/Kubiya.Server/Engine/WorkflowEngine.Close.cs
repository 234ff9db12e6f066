using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;

namespace Kubiya.Server.Engine;

public sealed partial class WorkflowEngine
{
    /// <summary>Closes a run: writes the close event, drops pending work, tells the parent, applies parent-close policies.</summary>
    internal void Close(Tx tx, Execution e, WorkflowExecutionStatus status, HistoryEvent closeEvent)
    {
        var s = e.State;
        var cronRunId = PrepareCronContinuation(e, status, closeEvent);
        Append(tx, e, closeEvent);
        s.Status = (int)status;
        s.CloseTimeMs = Clock.NowMs();
        s.Wft = null;
        s.Activities.Clear();
        s.Timers.Clear();
        s.Buffered.Clear();
        s.FirstTaskDueMs = null;
        CloseNexus(tx, e, status, closeEvent);
        // A run that goes on in a new run (continue-as-new, retry) leaves reporting to the parent to
        // its last run; parent-close policies apply to every run that closes, as in Temporal.
        if (s.NewRunId == null) NotifyParent(tx, e, status, closeEvent);
        ApplyParentClosePolicies(tx, e);
        if (cronRunId != null) StartCronRun(tx, e, status, closeEvent, cronRunId);
    }

    /// <summary>
    /// Closes a run from outside its workflow code (terminate, timeout): a task in flight is
    /// failed first and buffered events are flushed, so the history stays well-formed.
    /// </summary>
    internal void ForceClose(Tx tx, Execution e, WorkflowExecutionStatus status, HistoryEvent closeEvent)
    {
        if (e.State.Wft is { StartedEventId: > 0, Transient: false } wft)
        {
            var failed = NewEvent(EventType.WorkflowTaskFailed);
            failed.WorkflowTaskFailedEventAttributes = new()
            {
                ScheduledEventId = wft.ScheduledEventId,
                StartedEventId = wft.StartedEventId,
                Cause = WorkflowTaskFailedCause.ForceCloseCommand,
            };
            Append(tx, e, failed);
            e.State.Wft = null;
        }
        FlushBuffered(tx, e);
        Close(tx, e, status, closeEvent);
    }

    internal void Terminate(Tx tx, Execution e, string reason, Payloads? details, string identity)
    {
        var ev = NewEvent(EventType.WorkflowExecutionTerminated);
        ev.WorkflowExecutionTerminatedEventAttributes = new() { Reason = reason ?? "", Details = details, Identity = identity ?? "" };
        ForceClose(tx, e, WorkflowExecutionStatus.Terminated, ev);
    }

    internal void RequestCancel(Tx tx, Execution e, string identity, string reason, long externalInitiatedId = 0, WorkflowExecution? external = null)
    {
        if (e.State.CancelRequested) return;
        e.State.CancelRequested = true;
        var ev = NewEvent(EventType.WorkflowExecutionCancelRequested);
        ev.WorkflowExecutionCancelRequestedEventAttributes = new()
        {
            Cause = reason ?? "",
            Identity = identity ?? "",
            ExternalInitiatedEventId = externalInitiatedId,
            ExternalWorkflowExecution = external,
        };
        AppendNews(tx, e, ev);
    }

    private void NotifyParent(Tx tx, Execution child, WorkflowExecutionStatus status, HistoryEvent closeEvent)
    {
        var p = child.State.Parent;
        if (p == null) return;
        var parent = LoadRun(p.Namespace, p.RunId);
        if (parent == null || !parent.IsOpen || !parent.State.Children.Remove(p.InitiatedEventId, out var info)) return;
        tx.Touch(parent);
        var exec = new WorkflowExecution { WorkflowId = child.State.WorkflowId, RunId = child.State.RunId };
        var type = new WorkflowType { Name = child.State.WorkflowType };
        HistoryEvent ev;
        switch (status)
        {
            case WorkflowExecutionStatus.Completed:
                ev = NewEvent(EventType.ChildWorkflowExecutionCompleted);
                ev.ChildWorkflowExecutionCompletedEventAttributes = new()
                {
                    Result = closeEvent.WorkflowExecutionCompletedEventAttributes.Result,
                    Namespace = child.State.Namespace, WorkflowExecution = exec, WorkflowType = type,
                    InitiatedEventId = p.InitiatedEventId, StartedEventId = info.StartedEventId,
                };
                break;
            case WorkflowExecutionStatus.Failed:
                ev = NewEvent(EventType.ChildWorkflowExecutionFailed);
                ev.ChildWorkflowExecutionFailedEventAttributes = new()
                {
                    Failure = closeEvent.WorkflowExecutionFailedEventAttributes.Failure,
                    Namespace = child.State.Namespace, WorkflowExecution = exec, WorkflowType = type,
                    InitiatedEventId = p.InitiatedEventId, StartedEventId = info.StartedEventId,
                    RetryState = closeEvent.WorkflowExecutionFailedEventAttributes.RetryState,
                };
                break;
            case WorkflowExecutionStatus.Canceled:
                ev = NewEvent(EventType.ChildWorkflowExecutionCanceled);
                ev.ChildWorkflowExecutionCanceledEventAttributes = new()
                {
                    Details = closeEvent.WorkflowExecutionCanceledEventAttributes.Details,
                    Namespace = child.State.Namespace, WorkflowExecution = exec, WorkflowType = type,
                    InitiatedEventId = p.InitiatedEventId, StartedEventId = info.StartedEventId,
                };
                break;
            case WorkflowExecutionStatus.TimedOut:
                ev = NewEvent(EventType.ChildWorkflowExecutionTimedOut);
                ev.ChildWorkflowExecutionTimedOutEventAttributes = new()
                {
                    Namespace = child.State.Namespace, WorkflowExecution = exec, WorkflowType = type,
                    InitiatedEventId = p.InitiatedEventId, StartedEventId = info.StartedEventId,
                    RetryState = RetryState.Timeout,
                };
                break;
            default:
                ev = NewEvent(EventType.ChildWorkflowExecutionTerminated);
                ev.ChildWorkflowExecutionTerminatedEventAttributes = new()
                {
                    Namespace = child.State.Namespace, WorkflowExecution = exec, WorkflowType = type,
                    InitiatedEventId = p.InitiatedEventId, StartedEventId = info.StartedEventId,
                };
                break;
        }
        AppendNews(tx, parent, ev);
    }

    private void ApplyParentClosePolicies(Tx tx, Execution parent)
    {
        var children = parent.State.Children.Values.ToList();
        parent.State.Children.Clear();
        foreach (var c in children)
        {
            var policy = (ParentClosePolicy)c.ParentClosePolicy;
            if (policy == ParentClosePolicy.Abandon) continue;
            var child = LoadCurrent(c.Namespace, c.WorkflowId);
            if (child == null || !child.IsOpen || child.State.Parent?.RunId != parent.State.RunId) continue;
            if (policy == ParentClosePolicy.RequestCancel)
                RequestCancel(tx, child, "", "by parent close policy");
            else
                Terminate(tx, child, "by parent close policy", null, "");
        }
    }

    /// <summary>Run or execution deadline passed. A run timeout is retried when the workflow's retry policy allows.</summary>
    private void TimeOutWorkflow(Tx tx, Execution e, bool runTimeout)
    {
        var failure = new Temporalio.Api.Failure.V1.Failure
        {
            Message = "workflow timed out",
            Source = "Server",
            TimeoutFailureInfo = new() { TimeoutType = TimeoutType.StartToClose },
        };
        var (state, backoff) = runTimeout ? DecideWorkflowRetry(e, failure) : (RetryState.Timeout, 0L);
        var ev = NewEvent(EventType.WorkflowExecutionTimedOut);
        ev.WorkflowExecutionTimedOutEventAttributes = new() { RetryState = state };
        if (state == RetryState.InProgress)
            ev.WorkflowExecutionTimedOutEventAttributes.NewExecutionRunId = e.State.NewRunId = RunIds.New();
        ForceClose(tx, e, WorkflowExecutionStatus.TimedOut, ev);
        if (state == RetryState.InProgress) StartRetryRun(tx, e, failure, backoff);
    }
}
