using Kubiya.Server.Engine.Cron;
using Kubiya.Server.Engine.Schedules;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;

namespace Kubiya.Server.Engine;

/// <summary>
/// CronSchedule on StartWorkflowExecution, as Temporal runs it: the first run waits for the
/// next match; when a run closes (completed, failed after its retries, run timeout) the next
/// run of the same workflow id starts, held back until the following match, carrying the last
/// result or failure. Terminate, cancel and the execution timeout end the chain.
/// </summary>
public sealed partial class WorkflowEngine
{
    /// <summary>Validates a start's cron schedule and holds its first task back to the next match.</summary>
    internal StartSpec WithCronSchedule(StartSpec spec, string? cron, Google.Protobuf.WellKnownTypes.Duration? startDelay)
    {
        if (string.IsNullOrWhiteSpace(cron)) return spec;
        if (Clock.Ms(startDelay) > 0) throw ServerErrors.InvalidArgument("CronSchedule and WorkflowStartDelay cannot be used together.");
        var schedule = ParseCron(cron);
        var now = Clock.NowMs();
        var next = schedule.Next(now, now) ?? throw ServerErrors.InvalidArgument($"Invalid CronSchedule '{cron}': it never fires.");
        return spec with { CronSchedule = cron.Trim(), FirstTaskBackoffMs = next - now };
    }

    private static LegacyCron ParseCron(string cron)
    {
        try { return LegacyCron.Parse(cron); }
        catch (SpecException ex) { throw ServerErrors.InvalidArgument($"Invalid CronSchedule '{cron}': {ex.Message}."); }
    }

    /// <summary>
    /// Before a run's close event is written: when the run has a cron schedule and closes in a way
    /// that continues the chain, picks the next run's id and records it on the close event.
    /// </summary>
    private string? PrepareCronContinuation(Execution e, WorkflowExecutionStatus status, HistoryEvent closeEvent)
    {
        if (e.State.NewRunId != null || e.History.Count == 0) return null;
        var cron = e.History[0].WorkflowExecutionStartedEventAttributes?.CronSchedule;
        if (string.IsNullOrEmpty(cron)) return null;
        if (status is not (WorkflowExecutionStatus.Completed or WorkflowExecutionStatus.Failed or WorkflowExecutionStatus.TimedOut)) return null;
        var now = Clock.NowMs();
        if (e.State.ExecutionDeadlineMs is { } deadline && deadline <= now) return null;
        var runId = RunIds.New();
        switch (status)
        {
            case WorkflowExecutionStatus.Completed: closeEvent.WorkflowExecutionCompletedEventAttributes.NewExecutionRunId = runId; break;
            case WorkflowExecutionStatus.Failed: closeEvent.WorkflowExecutionFailedEventAttributes.NewExecutionRunId = runId; break;
            default: closeEvent.WorkflowExecutionTimedOutEventAttributes.NewExecutionRunId = runId; break;
        }
        e.State.NewRunId = runId;
        return runId;
    }

    /// <summary>Starts the next cron run: same input and options, attempt 1, held back until the next match after now.</summary>
    private void StartCronRun(Tx tx, Execution e, WorkflowExecutionStatus status, HistoryEvent closeEvent, string runId)
    {
        var s = e.State;
        var started = e.History[0].WorkflowExecutionStartedEventAttributes;
        var now = Clock.NowMs();
        long backoff;
        try
        {
            var next = LegacyCron.Parse(started.CronSchedule).Next(s.ExecutionTimeMs, now);
            backoff = next is { } n ? Math.Max(0, n - now) : long.MaxValue / 4;
        }
        catch (SpecException) { backoff = long.MaxValue / 4; }
        Payloads? lastResult = status == WorkflowExecutionStatus.Completed
            ? closeEvent.WorkflowExecutionCompletedEventAttributes.Result
            : started.LastCompletionResult;
        var failure = status switch
        {
            WorkflowExecutionStatus.Failed => closeEvent.WorkflowExecutionFailedEventAttributes.Failure,
            WorkflowExecutionStatus.TimedOut => new Temporalio.Api.Failure.V1.Failure
            {
                Message = "workflow timed out", Source = "Server",
                TimeoutFailureInfo = new() { TimeoutType = TimeoutType.StartToClose },
            },
            _ => null,
        };
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
            Initiator = ContinueAsNewInitiator.CronSchedule,
            Extra = InheritedOverride(e),
            LastCompletionResult = lastResult,
            ContinuedFailure = failure,
            FirstTaskBackoffMs = backoff,
            CronSchedule = started.CronSchedule,
        }, runId);
    }
}
