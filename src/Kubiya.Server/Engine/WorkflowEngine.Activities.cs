using Google.Protobuf;
using Temporalio.Api.Command.V1;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Failure.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.WorkflowService.V1;
using Kubiya.Server.Engine.Standalone;

namespace Kubiya.Server.Engine;

public sealed partial class WorkflowEngine
{
    private void ScheduleActivity(Tx tx, Execution e, ScheduleActivityTaskCommandAttributes a, long completedId)
    {
        var now = Clock.NowMs();
        // As in Temporal, no activity timeout exceeds the run timeout, which is also the default schedule-to-close.
        var runTimeout = Clock.Ms(e.History[0].WorkflowExecutionStartedEventAttributes.WorkflowRunTimeout);
        var s2close = Clock.Ms(a.ScheduleToCloseTimeout);
        var s2c = Clock.Ms(a.StartToCloseTimeout);
        if (runTimeout > 0 && (s2close <= 0 || s2close > runTimeout)) s2close = runTimeout;
        if (s2c <= 0) s2c = s2close;
        if (s2close > 0 && s2c > s2close) s2c = s2close;
        var s2s = Clock.Ms(a.ScheduleToStartTimeout);
        if (s2close > 0 && (s2s <= 0 || s2s > s2close)) s2s = 0;
        var hb = Math.Max(0, Clock.Ms(a.HeartbeatTimeout));
        if (hb > s2c) hb = s2c;
        var queue = string.IsNullOrEmpty(a.TaskQueue?.Name) ? e.State.TaskQueue : a.TaskQueue.Name;
        var attrs = new ActivityTaskScheduledEventAttributes
        {
            ActivityId = a.ActivityId,
            ActivityType = a.ActivityType,
            TaskQueue = new() { Name = queue, Kind = TaskQueueKind.Normal },
            Header = a.Header,
            Input = a.Input,
            ScheduleToCloseTimeout = s2close > 0 ? Clock.Dur(s2close) : null,
            ScheduleToStartTimeout = s2s > 0 ? Clock.Dur(s2s) : null,
            StartToCloseTimeout = Clock.Dur(s2c),
            HeartbeatTimeout = hb > 0 ? Clock.Dur(hb) : null,
            WorkflowTaskCompletedEventId = completedId,
            RetryPolicy = RetryMath.Normalize(a.RetryPolicy),
            UseWorkflowBuildId = a.UseWorkflowBuildId,
            Priority = Priorities.Inherit(a.Priority, RunPriority(e)),
        };
        var ev = NewEvent(EventType.ActivityTaskScheduled);
        ev.ActivityTaskScheduledEventAttributes = attrs;
        var id = Append(tx, e, ev);
        e.State.Activities[id] = new ActivityInfo
        {
            ScheduledEventId = id,
            ActivityId = a.ActivityId,
            ActivityType = a.ActivityType.Name,
            TaskQueue = queue,
            Attempt = 1,
            FirstScheduledTimeMs = now,
            ScheduledTimeMs = now,
            ScheduleToStartMs = s2s,
            ScheduleToCloseMs = s2close,
            StartToCloseMs = s2c,
            HeartbeatTimeoutMs = hb,
            Attributes = attrs.ToByteArray(),
        };
    }

    private bool RequestCancelActivity(Tx tx, Execution e, long scheduledEventId, long completedId)
    {
        if (!e.State.Activities.TryGetValue(scheduledEventId, out var a)) return false;
        var req = NewEvent(EventType.ActivityTaskCancelRequested);
        req.ActivityTaskCancelRequestedEventAttributes = new()
        {
            ScheduledEventId = scheduledEventId,
            WorkflowTaskCompletedEventId = completedId,
        };
        var reqId = Append(tx, e, req);
        if (a.Started)
        {
            a.CancelRequested = true;
            a.CancelRequestedEventId = reqId;
            return false;
        }
        var done = NewEvent(EventType.ActivityTaskCanceled);
        done.ActivityTaskCanceledEventAttributes = new()
        {
            ScheduledEventId = scheduledEventId,
            LatestCancelRequestedEventId = reqId,
            StartedEventId = 0,
        };
        Append(tx, e, done);
        e.State.Activities.Remove(scheduledEventId);
        return true;
    }

    /// <summary>PollActivityTaskQueue.</summary>
    public async Task<PollActivityTaskQueueResponse> PollActivityTaskAsync(PollActivityTaskQueueRequest r, TimeSpan maxWait, CancellationToken ct)
    {
        var version = await PollerVersionAsync(r.Namespace, r.TaskQueue, Matching.ActivityQueue, r.DeploymentOptions, r.Identity).ConfigureAwait(false);
        return await PollLoopAsync(r.Namespace, r.TaskQueue?.Name, Matching.ActivityQueue, r.Identity, maxWait, ct,
            task => task.Kind == StandaloneActivityService.TaskKind && Standalone != null
                ? Standalone.StartTaskAsync(task, r.Identity)
                : MutateAsync(tx => StartActivityTask(tx, task, r.Identity, version)), version).ConfigureAwait(false)
            ?? new PollActivityTaskQueueResponse();
    }

    /// <remarks><paramref name="version"/>: the poller's deployment version; null for an eager start by the completing worker.</remarks>
    private PollActivityTaskQueueResponse? StartActivityTask(Tx tx, TaskRef t, string identity, string? version = null)
    {
        var e = LoadRun(t.Namespace, t.RunId);
        if (e == null || !e.IsOpen) return null;
        if (!e.State.Activities.TryGetValue(t.ScheduledEventId, out var a) || a.Attempt != t.Attempt || a.Started || a.Paused) return null;
        var now = Clock.NowMs();
        if (a.ScheduledTimeMs > now) return null;
        if (version != null && !AcceptsActivityTask(e, a, t, version)) return null;
        tx.Touch(e);
        a.Started = true;
        a.StartedTimeMs = now;
        a.StartedIdentity = identity ?? "";
        a.LastWorkerIdentity = identity ?? "";
        a.StartedRequestId = Guid.NewGuid().ToString();
        a.LastHeartbeatMs = null;
        var attrs = ActivityTaskScheduledEventAttributes.Parser.ParseFrom(a.Attributes);
        var resp = new PollActivityTaskQueueResponse
        {
            TaskToken = new TaskToken(TaskToken.Activity, e.State.Namespace, e.State.WorkflowId, e.State.RunId, a.ScheduledEventId, a.Attempt).ToByteString(),
            WorkflowNamespace = e.State.Namespace,
            WorkflowType = new() { Name = e.State.WorkflowType },
            WorkflowExecution = new() { WorkflowId = e.State.WorkflowId, RunId = e.State.RunId },
            ActivityType = attrs.ActivityType,
            ActivityId = a.ActivityId,
            Header = attrs.Header,
            Input = attrs.Input,
            HeartbeatDetails = a.HeartbeatDetails == null ? null : Payloads.Parser.ParseFrom(a.HeartbeatDetails),
            ScheduledTime = Clock.Ts(a.FirstScheduledTimeMs),
            CurrentAttemptScheduledTime = Clock.Ts(a.ScheduledTimeMs),
            StartedTime = Clock.Ts(now),
            Attempt = a.Attempt,
            ScheduleToCloseTimeout = attrs.ScheduleToCloseTimeout,
            StartToCloseTimeout = attrs.StartToCloseTimeout,
            HeartbeatTimeout = attrs.HeartbeatTimeout,
            RetryPolicy = attrs.RetryPolicy,
            Priority = attrs.Priority,
        };
        return resp;
    }

    /// <summary>Finds the started activity a token (or id) refers to, or throws NotFound.</summary>
    private (Execution, ActivityInfo) ActivityOf(string ns, string workflowId, string? runId, Func<ExecutionState, ActivityInfo?> pick)
    {
        Namespaces.Get(ns);
        Execution? e = string.IsNullOrEmpty(runId) ? LoadCurrent(ns, workflowId) : LoadRun(ns, runId);
        if (e == null) throw ServerErrors.WorkflowNotFound(workflowId, runId);
        if (!e.IsOpen) throw ServerErrors.AlreadyCompleted();
        var a = pick(e.State);
        if (a == null || !a.Started)
            throw ServerErrors.NotFound("Activity task not found: it already completed, timed out or was retried.");
        return (e, a);
    }

    private (Execution, ActivityInfo) ActivityOf(ByteString token)
    {
        var t = TaskToken.Parse(token, TaskToken.Activity);
        return ActivityOf(t.Namespace, t.WorkflowId, t.RunId, s =>
            s.Activities.TryGetValue(t.ScheduledEventId, out var a) && a.Attempt == t.Attempt ? a : null);
    }

    private (Execution, ActivityInfo) ActivityById(string ns, string workflowId, string runId, string activityId)
    {
        Require(workflowId, "WorkflowId");
        Require(activityId, "ActivityId");
        return ActivityOf(ns, workflowId, runId, s => s.Activities.Values.FirstOrDefault(a => a.ActivityId == activityId));
    }

    private HistoryEvent ActivityStartedEvent(ActivityInfo a)
    {
        var ev = NewEvent(EventType.ActivityTaskStarted);
        ev.ActivityTaskStartedEventAttributes = new()
        {
            ScheduledEventId = a.ScheduledEventId,
            Identity = a.StartedIdentity,
            RequestId = a.StartedRequestId,
            Attempt = a.Attempt,
            LastFailure = a.LastFailure == null ? null : Failure.Parser.ParseFrom(a.LastFailure),
        };
        ev.EventTime = Clock.Ts(a.StartedTimeMs);
        return ev;
    }

    /// <summary>Writes the activity's end (with its deferred Started event when it ran) and drops it.</summary>
    private void EndActivity(Tx tx, Execution e, ActivityInfo a, HistoryEvent outcome)
    {
        e.State.Activities.Remove(a.ScheduledEventId);
        if (a.Started) AppendNews(tx, e, ActivityStartedEvent(a), outcome);
        else AppendNews(tx, e, outcome);
    }

    /// <summary>
    /// As Temporal does, an activity that reports something too large to record (result, failure,
    /// heartbeat or cancel details) fails for good: refusing the call would only leave it to time
    /// out and retry the same way.
    /// </summary>
    private bool FailIfOversized(Tx tx, Execution e, ActivityInfo a, int size, string reason, string identity)
    {
        if (size <= Limits.BlobSizeLimitBytes) return false;
        FailActivityAttempt(tx, e, a, new Failure
        {
            Message = reason,
            Source = "Server",
            ServerFailureInfo = new() { NonRetryable = true },
        }, identity, null);
        return true;
    }

    private void CompleteActivity(Tx tx, Execution e, ActivityInfo a, Payloads? result, string identity)
    {
        if (FailIfOversized(tx, e, a, result?.CalculateSize() ?? 0, "Complete result exceeds size limit.", identity)) return;
        var ev = NewEvent(EventType.ActivityTaskCompleted);
        ev.ActivityTaskCompletedEventAttributes = new()
        {
            Result = result,
            ScheduledEventId = a.ScheduledEventId,
            StartedEventId = -1,
            Identity = identity ?? "",
        };
        EndActivity(tx, e, a, ev);
    }

    /// <summary>A failed attempt: retried per policy, or recorded as the activity's final failure.</summary>
    private void FailActivityAttempt(Tx tx, Execution e, ActivityInfo a, Failure failure, string identity, Payloads? lastHeartbeat)
    {
        tx.Touch(e);
        if (lastHeartbeat != null) a.HeartbeatDetails = lastHeartbeat.ToByteArray();
        var policy = ActivityTaskScheduledEventAttributes.Parser.ParseFrom(a.Attributes).RetryPolicy ?? RetryMath.Normalize(null);
        var now = Clock.NowMs();
        long? deadline = a.ScheduleToCloseMs > 0 ? a.FirstScheduledTimeMs + a.ScheduleToCloseMs : null;
        var (retry, backoff, state) = RetryMath.Decide(policy, a.Attempt, failure, now, deadline);
        if (a.CancelRequested) retry = false;
        if (OperatorDecidesRetry(a, failure, retry, backoff, now)) return;
        if (retry)
        {
            a.LastAttemptCompleteMs = now;
            RetryActivity(a, failure, now + backoff);
            return;
        }
        var isTimeout = failure.TimeoutFailureInfo != null;
        // Temporal's rule: a timed-out attempt that is not retried because the next attempt would
        // start after the schedule-to-close deadline ended the activity by schedule-to-close.
        if (isTimeout && state == RetryState.Timeout && failure.TimeoutFailureInfo!.TimeoutType != TimeoutType.ScheduleToClose)
        {
            failure = failure.Clone();
            failure.Message = "activity ScheduleToClose timeout";
            failure.TimeoutFailureInfo.TimeoutType = TimeoutType.ScheduleToClose;
        }
        var ev = NewEvent(isTimeout ? EventType.ActivityTaskTimedOut : EventType.ActivityTaskFailed);
        if (isTimeout)
            ev.ActivityTaskTimedOutEventAttributes = new()
            {
                Failure = WithLastFailureCause(failure, a),
                ScheduledEventId = a.ScheduledEventId,
                StartedEventId = a.Started ? -1 : 0,
                RetryState = state,
            };
        else
            ev.ActivityTaskFailedEventAttributes = new()
            {
                Failure = failure,
                ScheduledEventId = a.ScheduledEventId,
                StartedEventId = -1,
                Identity = identity ?? "",
                RetryState = state,
            };
        EndActivity(tx, e, a, ev);
    }

    private static Failure WithLastFailureCause(Failure timeout, ActivityInfo a)
    {
        if (timeout.Cause != null || a.LastFailure == null) return timeout;
        var f = timeout.Clone();
        f.Cause = Failure.Parser.ParseFrom(a.LastFailure);
        return f;
    }

    private static void RetryActivity(ActivityInfo a, Failure failure, long nextScheduledMs)
    {
        a.Attempt++;
        a.Started = false;
        a.LastFailure = failure.ToByteArray();
        a.ScheduledTimeMs = nextScheduledMs;
        a.LastHeartbeatMs = null;
        a.StartedTimeMs = 0;
    }

    private void CancelActivity(Tx tx, Execution e, ActivityInfo a, Payloads? details, string identity)
    {
        if (FailIfOversized(tx, e, a, details?.CalculateSize() ?? 0, "Cancel details exceed size limit.", identity)) return;
        var ev = NewEvent(EventType.ActivityTaskCanceled);
        ev.ActivityTaskCanceledEventAttributes = new()
        {
            Details = details,
            LatestCancelRequestedEventId = a.CancelRequestedEventId,
            ScheduledEventId = a.ScheduledEventId,
            StartedEventId = -1,
            Identity = identity ?? "",
        };
        EndActivity(tx, e, a, ev);
    }

    public Task<RespondActivityTaskCompletedResponse> CompleteActivityAsync(RespondActivityTaskCompletedRequest r) =>
        IsStandalone(r.TaskToken) ? Standalone!.CompleteAsync(r.TaskToken, r.Result, r.Identity).ContinueWith(Done<RespondActivityTaskCompletedResponse>) :
        MutateAsync(tx =>
        {
            var (e, a) = ActivityOf(r.TaskToken);
            CompleteActivity(tx, e, a, r.Result, r.Identity);
            return new RespondActivityTaskCompletedResponse();
        });

    public Task<RespondActivityTaskCompletedByIdResponse> CompleteActivityByIdAsync(RespondActivityTaskCompletedByIdRequest r) =>
        IsStandaloneById(r.WorkflowId) ? Standalone!.CompleteByIdAsync(r.Namespace, r.ActivityId, r.RunId, r.Result, r.Identity).ContinueWith(Done<RespondActivityTaskCompletedByIdResponse>) :
        MutateAsync(tx =>
        {
            var (e, a) = ActivityById(r.Namespace, r.WorkflowId, r.RunId, r.ActivityId);
            CompleteActivity(tx, e, a, r.Result, r.Identity);
            return new RespondActivityTaskCompletedByIdResponse();
        });

    public Task<RespondActivityTaskFailedResponse> FailActivityAsync(RespondActivityTaskFailedRequest r) =>
        IsStandalone(r.TaskToken) ? Standalone!.FailAsync(r.TaskToken, r.Failure, r.LastHeartbeatDetails, r.Identity).ContinueWith(Done<RespondActivityTaskFailedResponse>) :
        MutateAsync(tx =>
        {
            var (e, a) = ActivityOf(r.TaskToken);
            if (!FailIfOversized(tx, e, a, r.Failure?.CalculateSize() ?? 0, "Failure exceeds size limit.", r.Identity))
                FailActivityAttempt(tx, e, a, r.Failure ?? new Failure { Message = "activity failed" }, r.Identity, r.LastHeartbeatDetails);
            return new RespondActivityTaskFailedResponse();
        });

    public Task<RespondActivityTaskFailedByIdResponse> FailActivityByIdAsync(RespondActivityTaskFailedByIdRequest r) =>
        IsStandaloneById(r.WorkflowId) ? Standalone!.FailByIdAsync(r.Namespace, r.ActivityId, r.RunId, r.Failure, r.LastHeartbeatDetails, r.Identity).ContinueWith(Done<RespondActivityTaskFailedByIdResponse>) :
        MutateAsync(tx =>
        {
            var (e, a) = ActivityById(r.Namespace, r.WorkflowId, r.RunId, r.ActivityId);
            if (!FailIfOversized(tx, e, a, r.Failure?.CalculateSize() ?? 0, "Failure exceeds size limit.", r.Identity))
                FailActivityAttempt(tx, e, a, r.Failure ?? new Failure { Message = "activity failed" }, r.Identity, r.LastHeartbeatDetails);
            return new RespondActivityTaskFailedByIdResponse();
        });

    public Task<RespondActivityTaskCanceledResponse> CancelActivityAsync(RespondActivityTaskCanceledRequest r) =>
        IsStandalone(r.TaskToken) ? Standalone!.ReportCanceledAsync(r.TaskToken, r.Details, r.Identity).ContinueWith(Done<RespondActivityTaskCanceledResponse>) :
        MutateAsync(tx =>
        {
            var (e, a) = ActivityOf(r.TaskToken);
            CancelActivity(tx, e, a, r.Details, r.Identity);
            return new RespondActivityTaskCanceledResponse();
        });

    public Task<RespondActivityTaskCanceledByIdResponse> CancelActivityByIdAsync(RespondActivityTaskCanceledByIdRequest r) =>
        IsStandaloneById(r.WorkflowId) ? Standalone!.ReportCanceledByIdAsync(r.Namespace, r.ActivityId, r.RunId, r.Details, r.Identity).ContinueWith(Done<RespondActivityTaskCanceledByIdResponse>) :
        MutateAsync(tx =>
        {
            var (e, a) = ActivityById(r.Namespace, r.WorkflowId, r.RunId, r.ActivityId);
            CancelActivity(tx, e, a, r.Details, r.Identity);
            return new RespondActivityTaskCanceledByIdResponse();
        });

    /// <summary>Records a heartbeat; returns whether the activity should stop (cancel requested, or failed here).</summary>
    private bool Heartbeat(Tx tx, Execution e, ActivityInfo a, Payloads? details, string identity)
    {
        if (FailIfOversized(tx, e, a, details?.CalculateSize() ?? 0, "Heartbeat details exceed size limit.", identity)) return true;
        tx.Touch(e);
        a.LastHeartbeatMs = Clock.NowMs();
        a.LastWorkerIdentity = identity ?? a.LastWorkerIdentity;
        if (details != null) a.HeartbeatDetails = details.ToByteArray();
        return a.CancelRequested;
    }

    public Task<RecordActivityTaskHeartbeatResponse> HeartbeatAsync(RecordActivityTaskHeartbeatRequest r) =>
        IsStandalone(r.TaskToken) ? Standalone!.HeartbeatAsync(r.TaskToken, r.Details, r.Identity).ContinueWith(t => { var h = t.GetAwaiter().GetResult(); return new RecordActivityTaskHeartbeatResponse { CancelRequested = h.CancelRequested, ActivityPaused = h.Paused, ActivityReset = h.Reset }; }) :
        MutateAsync(tx =>
        {
            var (e, a) = ActivityOf(r.TaskToken);
            var cancel = Heartbeat(tx, e, a, r.Details, r.Identity);
            var (paused, reset) = OperatorFlags(a);
            return new RecordActivityTaskHeartbeatResponse { CancelRequested = cancel, ActivityPaused = paused, ActivityReset = reset };
        });

    public Task<RecordActivityTaskHeartbeatByIdResponse> HeartbeatByIdAsync(RecordActivityTaskHeartbeatByIdRequest r) =>
        IsStandaloneById(r.WorkflowId) ? Standalone!.HeartbeatByIdAsync(r.Namespace, r.ActivityId, r.RunId, r.Details, r.Identity).ContinueWith(t => { var h = t.GetAwaiter().GetResult(); return new RecordActivityTaskHeartbeatByIdResponse { CancelRequested = h.CancelRequested, ActivityPaused = h.Paused, ActivityReset = h.Reset }; }) :
        MutateAsync(tx =>
        {
            var (e, a) = ActivityById(r.Namespace, r.WorkflowId, r.RunId, r.ActivityId);
            var cancel = Heartbeat(tx, e, a, r.Details, r.Identity);
            var (paused, reset) = OperatorFlags(a);
            return new RecordActivityTaskHeartbeatByIdResponse { CancelRequested = cancel, ActivityPaused = paused, ActivityReset = reset };
        });

    /// <summary>An activity deadline passed: time the attempt out (retrying where the policy allows).</summary>
    private void TimeOutActivity(Tx tx, Execution e, ActivityInfo a, TimeoutType type)
    {
        var failure = new Failure
        {
            Message = $"activity {type switch { TimeoutType.StartToClose => "StartToClose", TimeoutType.ScheduleToStart => "ScheduleToStart", TimeoutType.ScheduleToClose => "ScheduleToClose", _ => "Heartbeat" }} timeout",
            Source = "Server",
            TimeoutFailureInfo = new()
            {
                TimeoutType = type,
                LastHeartbeatDetails = a.HeartbeatDetails == null ? null : Payloads.Parser.ParseFrom(a.HeartbeatDetails),
            },
        };
        if (type is TimeoutType.StartToClose or TimeoutType.Heartbeat)
        {
            FailActivityAttempt(tx, e, a, failure, a.StartedIdentity, null);
            return;
        }
        // Schedule-to-start and schedule-to-close are final: no retry can help.
        var ev = NewEvent(EventType.ActivityTaskTimedOut);
        ev.ActivityTaskTimedOutEventAttributes = new()
        {
            Failure = WithLastFailureCause(failure, a),
            ScheduledEventId = a.ScheduledEventId,
            StartedEventId = a.Started ? -1 : 0,
            RetryState = RetryState.Timeout,
        };
        EndActivity(tx, e, a, ev);
    }
}
