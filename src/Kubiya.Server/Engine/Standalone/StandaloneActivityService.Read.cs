using Temporalio.Api.Activity.V1;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Failure.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Engine.Standalone;

/// <summary>
/// Describe (optionally a long poll for the next change, by the token the last answer gave)
/// and PollActivityExecution (a long poll for the outcome). A long poll that ends without news
/// answers empty, and the caller polls again, as Temporal's clients do.
/// </summary>
public sealed partial class StandaloneActivityService
{
    public async Task<DescribeActivityExecutionResponse> DescribeAsync(DescribeActivityExecutionRequest r, TimeSpan maxWait, CancellationToken ct)
    {
        var until = DateTime.UtcNow + maxWait;
        while (true)
        {
            var (resp, changed) = await engine.ReadAsync(() =>
            {
                var sa = Find(r.Namespace, r.ActivityId, r.RunId);
                if (TokenTransitions(r.LongPollToken) is { } seen && seen == sa.Record.StateTransitions)
                    return ((DescribeActivityExecutionResponse?)null, sa.ChangedTask);
                return (Describe(sa, r), Task.CompletedTask);
            }).ConfigureAwait(false);
            if (resp != null) return resp;
            if (!await WaitAsync(changed, until, ct).ConfigureAwait(false)) return new DescribeActivityExecutionResponse();
        }
    }

    public async Task<PollActivityExecutionResponse> PollAsync(PollActivityExecutionRequest r, TimeSpan maxWait, CancellationToken ct)
    {
        var until = DateTime.UtcNow + maxWait;
        while (true)
        {
            var (resp, changed) = await engine.ReadAsync(() =>
            {
                var sa = Find(r.Namespace, r.ActivityId, r.RunId);
                var answer = new PollActivityExecutionResponse { RunId = sa.Record.RunId };
                if (sa.Record.IsOpen) return (answer, sa.ChangedTask);
                answer.Outcome = ActivityExecutionOutcome.Parser.ParseFrom(sa.Record.Outcome);
                return (answer, (Task?)null);
            }).ConfigureAwait(false);
            if (changed == null) return resp;
            if (!await WaitAsync(changed, until, ct).ConfigureAwait(false)) return resp;
        }
    }

    /// <summary>Waits for <paramref name="changed"/> until the deadline; false when the wait ran out.</summary>
    private static async Task<bool> WaitAsync(Task changed, DateTime until, CancellationToken ct)
    {
        var left = until - DateTime.UtcNow;
        if (left <= TimeSpan.Zero) return false;
        var done = await Task.WhenAny(changed, Task.Delay(left, ct)).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        return done == changed;
    }

    private static DescribeActivityExecutionResponse Describe(StandaloneActivity sa, DescribeActivityExecutionRequest req)
    {
        var rec = sa.Record;
        var a = sa.Attempt;
        var start = RequestOf(sa);
        var now = Clock.NowMs();
        var info = new ActivityExecutionInfo
        {
            ActivityId = rec.ActivityId,
            RunId = rec.RunId,
            ActivityType = start.ActivityType,
            Status = (ActivityExecutionStatus)rec.Status,
            RunState = !rec.IsOpen ? PendingActivityState.Unspecified
                : a.CancelRequested ? PendingActivityState.CancelRequested
                : a.Paused ? (a.Started ? PendingActivityState.PauseRequested : PendingActivityState.Paused)
                : a.Started ? PendingActivityState.Started : PendingActivityState.Scheduled,
            TaskQueue = rec.TaskQueue,
            ScheduleToCloseTimeout = start.ScheduleToCloseTimeout,
            ScheduleToStartTimeout = start.ScheduleToStartTimeout,
            StartToCloseTimeout = start.StartToCloseTimeout,
            HeartbeatTimeout = start.HeartbeatTimeout,
            RetryPolicy = start.RetryPolicy,
            HeartbeatDetails = a.HeartbeatDetails == null ? null : Payloads.Parser.ParseFrom(a.HeartbeatDetails),
            LastHeartbeatTime = a.LastHeartbeatMs is { } hb ? Clock.Ts(hb) : null,
            LastStartedTime = a.StartedTimeMs > 0 ? Clock.Ts(a.StartedTimeMs) : null,
            Attempt = a.Attempt,
            ScheduleTime = Clock.Ts(rec.ScheduleTimeMs),
            ExpirationTime = a.ScheduleToCloseMs > 0 ? Clock.Ts(a.FirstScheduledTimeMs + a.ScheduleToCloseMs) : null,
            CloseTime = rec.CloseTimeMs is { } close ? Clock.Ts(close) : null,
            ExecutionDuration = rec.CloseTimeMs is { } closed ? Clock.Dur(Math.Max(0, closed - rec.ScheduleTimeMs)) : null,
            LastFailure = a.LastFailure == null ? null : Failure.Parser.ParseFrom(a.LastFailure),
            LastWorkerIdentity = a.LastWorkerIdentity,
            LastAttemptCompleteTime = a.LastAttemptCompleteMs is { } done ? Clock.Ts(done) : null,
            NextAttemptScheduleTime = rec.IsOpen && !a.Started && a.ScheduledTimeMs > now ? Clock.Ts(a.ScheduledTimeMs) : null,
            CurrentRetryInterval = rec.IsOpen && !a.Started && a.Attempt > 1 && a.LastAttemptCompleteMs is { } last
                ? Clock.Dur(Math.Max(0, a.ScheduledTimeMs - last)) : null,
            Priority = start.Priority,
            StateTransitionCount = rec.StateTransitions,
            SearchAttributes = start.SearchAttributes,
            Header = start.Header,
            UserMetadata = start.UserMetadata,
            CanceledReason = rec.CancelReason,
            TotalHeartbeatCount = rec.HeartbeatCount,
            StartDelay = start.StartDelay,
            ExecutionTime = Clock.Ts(rec.ExecutionTimeMs),
        };
        var resp = new DescribeActivityExecutionResponse { RunId = rec.RunId, Info = info, LongPollToken = PollToken(rec) };
        if (req.IncludeInput) resp.Input = start.Input;
        if (req.IncludeOutcome && rec.Outcome != null) resp.Outcome = ActivityExecutionOutcome.Parser.ParseFrom(rec.Outcome);
        return resp;
    }
}
