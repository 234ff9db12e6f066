using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Failure.V1;

namespace Kubiya.Server.Engine;

/// <summary>
/// Workflow-level retries: a run with a retry policy that fails (or whose run times out) is
/// followed by a new run of the same workflow id, attempt + 1, after the policy's backoff.
/// The failed run's close event names the new run, so results follow the chain.
/// </summary>
public sealed partial class WorkflowEngine
{
    private sealed record RetryPlan(string RunId, long BackoffMs);

    private RetryPlan? PlanWorkflowRetry(Execution e, Failure failure)
    {
        var started = e.History[0].WorkflowExecutionStartedEventAttributes;
        if (started.RetryPolicy == null) return null;
        var policy = RetryMath.Normalize(started.RetryPolicy);
        var (retry, backoff, _) = RetryMath.Decide(policy, e.State.Attempt, failure, Clock.NowMs(), e.State.ExecutionDeadlineMs);
        return retry ? new RetryPlan(Guid.NewGuid().ToString(), backoff) : null;
    }

    private void FailWorkflow(Tx tx, Execution e, Failure failure, long completedId)
    {
        var ev = NewEvent(EventType.WorkflowExecutionFailed);
        ev.WorkflowExecutionFailedEventAttributes = new()
        {
            Failure = failure,
            RetryState = RetryState.RetryPolicyNotSet,
            WorkflowTaskCompletedEventId = completedId,
        };
        var retry = PlanWorkflowRetry(e, failure);
        if (retry != null)
        {
            ev.WorkflowExecutionFailedEventAttributes.RetryState = RetryState.InProgress;
            ev.WorkflowExecutionFailedEventAttributes.NewExecutionRunId = retry.RunId;
        }
        else if (e.History[0].WorkflowExecutionStartedEventAttributes.RetryPolicy != null)
            ev.WorkflowExecutionFailedEventAttributes.RetryState = RetryState.MaximumAttemptsReached;
        if (retry == null)
        {
            Close(tx, e, WorkflowExecutionStatus.Failed, ev);
            return;
        }
        // The chain continues: the parent hears only of the last run's outcome.
        e.State.NewRunId = retry.RunId;
        var parent = e.State.Parent;
        e.State.Parent = null;
        Close(tx, e, WorkflowExecutionStatus.Failed, ev);
        e.State.Parent = parent;
        StartRetryRun(tx, e, retry, failure);
    }

    private void StartRetryRun(Tx tx, Execution e, RetryPlan retry, Failure failure)
    {
        var s = e.State;
        var started = e.History[0].WorkflowExecutionStartedEventAttributes;
        CreateRunWithId(tx, new StartSpec
        {
            Namespace = s.Namespace,
            WorkflowId = s.WorkflowId,
            WorkflowType = s.WorkflowType,
            TaskQueue = s.TaskQueue,
            Input = started.Input,
            ExecutionTimeoutMs = Clock.Ms(started.WorkflowExecutionTimeout),
            ExecutionDeadlineMs = s.ExecutionDeadlineMs,
            RunTimeoutMs = Clock.Ms(started.WorkflowRunTimeout),
            TaskTimeoutMs = s.WorkflowTaskTimeoutMs,
            RequestId = Guid.NewGuid().ToString(),
            Identity = started.Identity,
            Memo = s.Memo == null ? null : Memo.Parser.ParseFrom(s.Memo),
            SearchAttributes = s.SearchAttributes == null ? null : SearchAttributes.Parser.ParseFrom(s.SearchAttributes),
            Header = started.Header,
            RetryPolicy = started.RetryPolicy,
            Parent = s.Parent,
            ContinuedFromRunId = s.RunId,
            FirstRunId = s.FirstRunId,
            Initiator = ContinueAsNewInitiator.Retry,
            ContinuedFailure = failure,
            Attempt = s.Attempt + 1,
            FirstTaskDelayMs = retry.BackoffMs,
        }, retry.RunId);
    }
}
