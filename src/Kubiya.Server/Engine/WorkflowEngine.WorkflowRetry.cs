using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Failure.V1;

namespace Kubiya.Server.Engine;

public sealed partial class WorkflowEngine
{
    /// <summary>
    /// What the run's retry policy says about a failure or run timeout: InProgress with a backoff
    /// when another attempt is due, otherwise why not (no policy, non-retryable, attempts or time used up).
    /// </summary>
    private static (RetryState State, long BackoffMs) DecideWorkflowRetry(Execution e, Failure failure)
    {
        var started = e.History[0].WorkflowExecutionStartedEventAttributes;
        if (started.RetryPolicy == null) return (RetryState.RetryPolicyNotSet, 0);
        var (retry, backoff, state) = RetryMath.Decide(RetryMath.Normalize(started.RetryPolicy), Math.Max(1, started.Attempt),
            failure, Clock.NowMs(), e.State.ExecutionDeadlineMs);
        return retry ? (RetryState.InProgress, backoff) : (state, 0);
    }

    /// <summary>
    /// Starts the next attempt of a run that just closed with <see cref="ExecutionState.NewRunId"/> set:
    /// same input and options, attempt + 1, first workflow task held back by the retry backoff.
    /// </summary>
    private void StartRetryRun(Tx tx, Execution e, Failure failure, long backoffMs)
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
            Extra = InheritedOverride(e),
            ContinuedFailure = failure,
            Attempt = Math.Max(1, started.Attempt) + 1,
            FirstTaskBackoffMs = backoffMs,
            CronSchedule = started.CronSchedule,
        }, s.NewRunId!);
    }
}
