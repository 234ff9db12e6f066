using Google.Protobuf;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Engine;

/// <summary>
/// Temporal's activity operations: PauseActivity, UnpauseActivity, ResetActivity and
/// UpdateActivityOptions. None of them writes history (the workflow never sees them). A paused
/// activity is not dispatched and its failed attempts are not retried until it is unpaused; a
/// running attempt learns of a pause or reset through its next heartbeat's answer
/// (<c>activity_paused</c> / <c>activity_reset</c>), as in Temporal. A reset gives the activity
/// a fresh set of attempts: at once when it is between attempts, after the running attempt ends
/// otherwise.
/// </summary>
public sealed partial class WorkflowEngine
{
    private static readonly Random Jitter = new();

    /// <summary>PauseActivity: by id or by type; pausing a paused activity changes nothing.</summary>
    public Task<PauseActivityResponse> PauseActivityAsync(PauseActivityRequest r) =>
        MutateAsync(tx =>
        {
            var (e, targets) = ActivitiesFor(r.Namespace, r.Execution, r.ActivityCase == PauseActivityRequest.ActivityOneofCase.Id ? r.Id : null,
                r.ActivityCase == PauseActivityRequest.ActivityOneofCase.Type ? r.Type : null, matchAll: false);
            foreach (var a in targets)
            {
                if (a.Paused) continue;
                tx.Touch(e);
                a.Paused = true;
                a.PausedTimeMs = Clock.NowMs();
                a.PausedBy = r.Identity ?? "";
                a.PauseReason = r.Reason ?? "";
                a.DispatchStamp++;
            }
            return new PauseActivityResponse();
        });

    /// <summary>UnpauseActivity: the next attempt is dispatched at once (within the jitter, if given).</summary>
    public Task<UnpauseActivityResponse> UnpauseActivityAsync(UnpauseActivityRequest r) =>
        MutateAsync(tx =>
        {
            var (e, targets) = ActivitiesFor(r.Namespace, r.Execution, r.ActivityCase == UnpauseActivityRequest.ActivityOneofCase.Id ? r.Id : null,
                r.ActivityCase == UnpauseActivityRequest.ActivityOneofCase.Type ? r.Type : null,
                matchAll: r.ActivityCase == UnpauseActivityRequest.ActivityOneofCase.UnpauseAll && r.UnpauseAll);
            foreach (var a in targets)
            {
                if (!a.Paused) continue;
                tx.Touch(e);
                a.Paused = false;
                a.PausedTimeMs = null;
                a.PausedBy = a.PauseReason = "";
                if (r.ResetAttempts) a.Attempt = a.Started ? a.Attempt : 1;
                if (r.ResetHeartbeat) a.HeartbeatDetails = null;
                if (!a.Started) a.ScheduledTimeMs = Clock.NowMs() + JitterMs(r.Jitter);
                a.DispatchStamp++;
            }
            return new UnpauseActivityResponse();
        });

    /// <summary>ResetActivity: attempt count back to 1, backoff dropped; a paused activity is unpaused unless keep_paused.</summary>
    public Task<ResetActivityResponse> ResetActivityAsync(ResetActivityRequest r) =>
        MutateAsync(tx =>
        {
            var (e, targets) = ActivitiesFor(r.Namespace, r.Execution, r.ActivityCase == ResetActivityRequest.ActivityOneofCase.Id ? r.Id : null,
                r.ActivityCase == ResetActivityRequest.ActivityOneofCase.Type ? r.Type : null,
                matchAll: r.ActivityCase == ResetActivityRequest.ActivityOneofCase.MatchAll && r.MatchAll);
            foreach (var a in targets)
            {
                tx.Touch(e);
                if (r.RestoreOriginalOptions) RestoreOriginalOptions(e, a);
                if (a.Paused && !r.KeepPaused)
                {
                    a.Paused = false;
                    a.PausedTimeMs = null;
                    a.PausedBy = a.PauseReason = "";
                }
                if (a.Started)
                {
                    // The running attempt hears of it at its next heartbeat; its end starts attempt 1.
                    a.ResetRequested = true;
                    a.ResetHeartbeat = r.ResetHeartbeat;
                }
                else
                {
                    a.Attempt = 1;
                    a.LastFailure = null;
                    if (r.ResetHeartbeat) a.HeartbeatDetails = null;
                    a.ScheduledTimeMs = Clock.NowMs() + JitterMs(r.Jitter);
                }
                a.DispatchStamp++;
            }
            return new ResetActivityResponse();
        });

    /// <summary>UpdateActivityOptions: changes the fields the mask names (or restores the scheduled ones); answers the options now in force.</summary>
    public Task<UpdateActivityOptionsResponse> UpdateActivityOptionsAsync(UpdateActivityOptionsRequest r)
    {
        if (r.RestoreOriginal && r.UpdateMask?.Paths.Count > 0)
            throw ServerErrors.InvalidArgument("restore_original cannot be combined with an update mask.");
        if (!r.RestoreOriginal && (r.ActivityOptions == null || r.UpdateMask == null || r.UpdateMask.Paths.Count == 0))
            throw ServerErrors.InvalidArgument("ActivityOptions and an UpdateMask naming the fields to change are required.");
        if (r.ActivityOptions?.RetryPolicy is { } rp && RetryMath.Problem(rp) is { } problem) throw ServerErrors.InvalidArgument(problem);
        return MutateAsync(tx =>
        {
            var (e, targets) = ActivitiesFor(r.Namespace, r.Execution, r.ActivityCase == UpdateActivityOptionsRequest.ActivityOneofCase.Id ? r.Id : null,
                r.ActivityCase == UpdateActivityOptionsRequest.ActivityOneofCase.Type ? r.Type : null,
                matchAll: r.ActivityCase == UpdateActivityOptionsRequest.ActivityOneofCase.MatchAll && r.MatchAll);
            ActivityInfo? last = null;
            foreach (var a in targets)
            {
                tx.Touch(e);
                if (r.RestoreOriginal) RestoreOriginalOptions(e, a);
                else ApplyOptions(a, r.ActivityOptions!, r.UpdateMask!.Paths);
                a.DispatchStamp++;
                last = a;
            }
            return new UpdateActivityOptionsResponse { ActivityOptions = last == null ? null : OptionsOf(last) };
        });
    }

    /// <summary>Finds the run and the pending activities a request names (by id, by type, or all), or throws NotFound.</summary>
    private (Execution, List<ActivityInfo>) ActivitiesFor(string ns, Temporalio.Api.Common.V1.WorkflowExecution? execution, string? id, string? type, bool matchAll)
    {
        if (id == null && type == null && !matchAll) throw ServerErrors.InvalidArgument("Either an activity id, an activity type or match-all must be given.");
        var e = Find(ns, execution?.WorkflowId ?? "", execution?.RunId);
        if (!e.IsOpen) throw ServerErrors.AlreadyCompleted();
        var found = e.State.Activities.Values
            .Where(a => matchAll || (id != null ? a.ActivityId == id : a.ActivityType == type))
            .OrderBy(a => a.ScheduledEventId).ToList();
        if (found.Count == 0)
            throw ServerErrors.NotFound(id != null ? $"Activity '{id}' is not pending in workflow '{e.State.WorkflowId}': it completed, failed or was never scheduled."
                : $"No pending activity{(type != null ? $" of type '{type}'" : "")} in workflow '{e.State.WorkflowId}'.");
        return (e, found);
    }

    internal static long JitterMs(Google.Protobuf.WellKnownTypes.Duration? jitter)
    {
        var max = Clock.Ms(jitter);
        return max <= 0 ? 0 : (long)(Jitter.NextDouble() * max);
    }

    /// <summary>The options of an activity as Temporal reports them (describe, update answer).</summary>
    internal static Temporalio.Api.Activity.V1.ActivityOptions OptionsOf(ActivityInfo a)
    {
        var attrs = ActivityTaskScheduledEventAttributes.Parser.ParseFrom(a.Attributes);
        return new Temporalio.Api.Activity.V1.ActivityOptions
        {
            TaskQueue = new() { Name = a.TaskQueue, Kind = TaskQueueKind.Normal },
            ScheduleToCloseTimeout = a.ScheduleToCloseMs > 0 ? Clock.Dur(a.ScheduleToCloseMs) : null,
            ScheduleToStartTimeout = a.ScheduleToStartMs > 0 ? Clock.Dur(a.ScheduleToStartMs) : null,
            StartToCloseTimeout = a.StartToCloseMs > 0 ? Clock.Dur(a.StartToCloseMs) : null,
            HeartbeatTimeout = a.HeartbeatTimeoutMs > 0 ? Clock.Dur(a.HeartbeatTimeoutMs) : null,
            RetryPolicy = attrs.RetryPolicy,
            Priority = attrs.Priority,
        };
    }

    private static void ApplyOptions(ActivityInfo a, Temporalio.Api.Activity.V1.ActivityOptions o, IEnumerable<string> paths)
    {
        var attrs = ActivityTaskScheduledEventAttributes.Parser.ParseFrom(a.Attributes);
        foreach (var path in paths)
        {
            switch (path)
            {
                case "task_queue" or "task_queue.name" or "taskQueue" or "taskQueue.name":
                    if (string.IsNullOrEmpty(o.TaskQueue?.Name)) throw ServerErrors.InvalidArgument("The task queue cannot be empty.");
                    a.TaskQueue = o.TaskQueue.Name;
                    attrs.TaskQueue = new() { Name = a.TaskQueue, Kind = TaskQueueKind.Normal };
                    break;
                case "schedule_to_close_timeout" or "scheduleToCloseTimeout":
                    a.ScheduleToCloseMs = Math.Max(0, Clock.Ms(o.ScheduleToCloseTimeout));
                    attrs.ScheduleToCloseTimeout = o.ScheduleToCloseTimeout;
                    break;
                case "schedule_to_start_timeout" or "scheduleToStartTimeout":
                    a.ScheduleToStartMs = Math.Max(0, Clock.Ms(o.ScheduleToStartTimeout));
                    attrs.ScheduleToStartTimeout = o.ScheduleToStartTimeout;
                    break;
                case "start_to_close_timeout" or "startToCloseTimeout":
                    if (Clock.Ms(o.StartToCloseTimeout) <= 0) throw ServerErrors.InvalidArgument("The start-to-close timeout must be positive.");
                    a.StartToCloseMs = Clock.Ms(o.StartToCloseTimeout);
                    attrs.StartToCloseTimeout = o.StartToCloseTimeout;
                    break;
                case "heartbeat_timeout" or "heartbeatTimeout":
                    a.HeartbeatTimeoutMs = Math.Max(0, Clock.Ms(o.HeartbeatTimeout));
                    attrs.HeartbeatTimeout = o.HeartbeatTimeout;
                    break;
                case "retry_policy" or "retryPolicy":
                    attrs.RetryPolicy = RetryMath.Normalize(o.RetryPolicy);
                    break;
                case var p when p.StartsWith("retry_policy.", StringComparison.Ordinal) || p.StartsWith("retryPolicy.", StringComparison.Ordinal):
                    attrs.RetryPolicy = MergeRetryField(attrs.RetryPolicy, o.RetryPolicy, p[(p.IndexOf('.') + 1)..]);
                    break;
                case "priority":
                    attrs.Priority = o.Priority;
                    break;
                default:
                    throw ServerErrors.InvalidArgument($"Activity option '{path}' cannot be updated.");
            }
        }
        a.Attributes = attrs.ToByteArray();
    }

    internal static Temporalio.Api.Common.V1.RetryPolicy MergeRetryField(Temporalio.Api.Common.V1.RetryPolicy? current, Temporalio.Api.Common.V1.RetryPolicy? update, string field)
    {
        var merged = current?.Clone() ?? RetryMath.Normalize(null);
        update ??= new();
        switch (field)
        {
            case "initial_interval" or "initialInterval": merged.InitialInterval = update.InitialInterval; break;
            case "backoff_coefficient" or "backoffCoefficient": merged.BackoffCoefficient = update.BackoffCoefficient; break;
            case "maximum_interval" or "maximumInterval": merged.MaximumInterval = update.MaximumInterval; break;
            case "maximum_attempts" or "maximumAttempts": merged.MaximumAttempts = update.MaximumAttempts; break;
            case "non_retryable_error_types" or "nonRetryableErrorTypes":
                merged.NonRetryableErrorTypes.Clear();
                merged.NonRetryableErrorTypes.AddRange(update.NonRetryableErrorTypes);
                break;
            default: throw ServerErrors.InvalidArgument($"Activity option 'retry_policy.{field}' cannot be updated.");
        }
        if (RetryMath.Problem(merged) is { } problem) throw ServerErrors.InvalidArgument(problem);
        return RetryMath.Normalize(merged);
    }

    /// <summary>Back to the options the activity was scheduled with (its scheduled event in history).</summary>
    private static void RestoreOriginalOptions(Execution e, ActivityInfo a)
    {
        var original = e.History[(int)a.ScheduledEventId - 1].ActivityTaskScheduledEventAttributes;
        a.TaskQueue = original.TaskQueue.Name;
        a.ScheduleToCloseMs = Clock.Ms(original.ScheduleToCloseTimeout);
        a.ScheduleToStartMs = Clock.Ms(original.ScheduleToStartTimeout);
        a.StartToCloseMs = Clock.Ms(original.StartToCloseTimeout);
        a.HeartbeatTimeoutMs = Clock.Ms(original.HeartbeatTimeout);
        a.Attributes = original.ToByteArray();
    }

    /// <summary>
    /// A failed or timed-out attempt of an activity an operator paused or reset: a paused one waits
    /// for unpause instead of retrying; a reset one starts again at attempt 1 (unless paused).
    /// Returns false when neither applies and the retry policy decides as usual.
    /// </summary>
    internal static bool OperatorDecidesRetry(ActivityInfo a, Temporalio.Api.Failure.V1.Failure failure, bool policyRetries, long backoffMs, long now)
    {
        if (a.CancelRequested) return false;
        if (a.ResetRequested)
        {
            a.ResetRequested = false;
            if (a.ResetHeartbeat) a.HeartbeatDetails = null;
            a.ResetHeartbeat = false;
            a.LastAttemptCompleteMs = now;
            RetryActivity(a, failure, now);
            a.Attempt = 1;
            return true;
        }
        if (a.Paused && policyRetries)
        {
            a.LastAttemptCompleteMs = now;
            RetryActivity(a, failure, now + backoffMs);
            return true;
        }
        return false;
    }

    /// <summary>Pause and reset flags a running attempt learns from its heartbeat's answer.</summary>
    private static (bool Paused, bool Reset) OperatorFlags(ActivityInfo a) => (a.Paused, a.ResetRequested);

    /// <summary>Describe's view of pause state and options for one pending activity.</summary>
    private static void DescribeActivityOps(ActivityInfo a, Temporalio.Api.Workflow.V1.PendingActivityInfo pa)
    {
        pa.ActivityOptions = OptionsOf(a);
        if (!a.Paused) return;
        pa.Paused = true;
        if (!a.CancelRequested) pa.State = a.Started ? PendingActivityState.PauseRequested : PendingActivityState.Paused;
        pa.PauseInfo = new()
        {
            PauseTime = Clock.Ts(a.PausedTimeMs ?? Clock.NowMs()),
            Manual = new() { Identity = a.PausedBy, Reason = a.PauseReason },
        };
    }
}
