using Google.Protobuf;
using Grpc.Core;
using Temporalio.Api.Activity.V1;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Failure.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Engine.Standalone;

/// <summary>
/// The worker's side: a polled task starts an attempt; the worker completes, fails, cancels or
/// heartbeats it by task token or by activity id; a failed or timed-out attempt is retried per
/// the execution's retry policy.
/// </summary>
public sealed partial class StandaloneActivityService
{
    /// <summary>Whether a task token names a standalone activity attempt.</summary>
    public static bool IsStandaloneToken(ByteString token)
    {
        if (token == null || token.IsEmpty) return false;
        try { return System.Text.Json.JsonSerializer.Deserialize<TaskToken>(token.Span)?.Kind == TaskKind; }
        catch (Exception) { return false; }
    }

    /// <summary>Starts the attempt a queued task names; null when the task is stale.</summary>
    internal Task<PollActivityTaskQueueResponse?> StartTaskAsync(TaskRef t, string identity) => MutateAsync(c =>
    {
        var sa = Load(t.Namespace, t.RunId);
        if (sa == null || !sa.Record.IsOpen) return null;
        var a = sa.Attempt;
        var now = Clock.NowMs();
        if (a.Started || a.Paused || a.Attempt != t.Attempt || a.DispatchStamp != t.ScheduledEventId || a.ScheduledTimeMs > now) return null;
        Touch(c, sa);
        a.Started = true;
        a.StartedTimeMs = now;
        a.StartedIdentity = identity ?? "";
        a.LastWorkerIdentity = identity ?? "";
        a.StartedRequestId = Guid.NewGuid().ToString();
        a.LastHeartbeatMs = null;
        var r = RequestOf(sa);
        return new PollActivityTaskQueueResponse
        {
            TaskToken = new TaskToken(TaskKind, sa.Record.Namespace, sa.Record.ActivityId, sa.Record.RunId, 0, a.Attempt).ToByteString(),
            ActivityType = r.ActivityType,
            ActivityId = sa.Record.ActivityId,
            ActivityRunId = sa.Record.RunId,
            Header = r.Header,
            Input = r.Input,
            HeartbeatDetails = a.HeartbeatDetails == null ? null : Payloads.Parser.ParseFrom(a.HeartbeatDetails),
            ScheduledTime = Clock.Ts(a.FirstScheduledTimeMs),
            CurrentAttemptScheduledTime = Clock.Ts(a.ScheduledTimeMs),
            StartedTime = Clock.Ts(now),
            Attempt = a.Attempt,
            ScheduleToCloseTimeout = r.ScheduleToCloseTimeout,
            StartToCloseTimeout = r.StartToCloseTimeout,
            HeartbeatTimeout = r.HeartbeatTimeout,
            RetryPolicy = r.RetryPolicy,
            Priority = r.Priority,
        };
    });

    /// <summary>The started attempt a token names, or NotFound (closed, retried, timed out, deleted).</summary>
    private StandaloneActivity Started(ByteString token)
    {
        var t = TaskToken.Parse(token, TaskKind);
        var sa = Load(t.Namespace, t.RunId);
        if (sa == null || !sa.Record.IsOpen || !sa.Attempt.Started || sa.Attempt.Attempt != t.Attempt)
            throw ServerErrors.NotFound("Activity task not found: it already completed, timed out or was retried.");
        return sa;
    }

    /// <summary>The started attempt of an activity id (the by-id calls of a standalone activity name no workflow).</summary>
    private StandaloneActivity StartedById(string ns, string activityId, string? runId)
    {
        var sa = Find(ns, activityId, runId);
        if (!sa.Record.IsOpen || !sa.Attempt.Started)
            throw ServerErrors.NotFound("Activity task not found: it already completed, timed out or was retried.");
        return sa;
    }

    private void CheckSize(IMessage? m, string what)
    {
        var size = m?.CalculateSize() ?? 0;
        if (size > engine.Limits.BlobSizeLimitBytes)
            throw ServerErrors.InvalidArgument($"{what} of {size} bytes exceeds the size limit of {engine.Limits.BlobSizeLimitBytes} bytes.");
    }

    public Task CompleteAsync(ByteString token, Payloads? result, string identity) =>
        MutateAsync(c => { Complete(c, Started(token), result, identity); return true; });

    public Task CompleteByIdAsync(string ns, string activityId, string runId, Payloads? result, string identity) =>
        MutateAsync(c => { Complete(c, StartedById(ns, activityId, runId), result, identity); return true; });

    public Task FailAsync(ByteString token, Failure? failure, Payloads? details, string identity) =>
        MutateAsync(c => { FailAttempt(c, Started(token), failure ?? new Failure { Message = "activity failed" }, details, identity); return true; });

    public Task FailByIdAsync(string ns, string activityId, string runId, Failure? failure, Payloads? details, string identity) =>
        MutateAsync(c => { FailAttempt(c, StartedById(ns, activityId, runId), failure ?? new Failure { Message = "activity failed" }, details, identity); return true; });

    public Task ReportCanceledAsync(ByteString token, Payloads? details, string identity) =>
        MutateAsync(c => { ReportCanceled(c, Started(token), details, identity); return true; });

    public Task ReportCanceledByIdAsync(string ns, string activityId, string runId, Payloads? details, string identity) =>
        MutateAsync(c => { ReportCanceled(c, StartedById(ns, activityId, runId), details, identity); return true; });

    /// <summary>Records a heartbeat; answers what the running attempt must learn: cancellation requested, paused, reset.</summary>
    public Task<HeartbeatAnswer> HeartbeatAsync(ByteString token, Payloads? details, string identity) =>
        MutateAsync(c => Heartbeat(c, Started(token), details, identity));

    public Task<HeartbeatAnswer> HeartbeatByIdAsync(string ns, string activityId, string runId, Payloads? details, string identity) =>
        MutateAsync(c => Heartbeat(c, StartedById(ns, activityId, runId), details, identity));

    private void Complete(Changes c, StandaloneActivity sa, Payloads? result, string identity)
    {
        CheckSize(result, "Complete result");
        Touch(c, sa);
        sa.Attempt.LastWorkerIdentity = string.IsNullOrEmpty(identity) ? sa.Attempt.LastWorkerIdentity : identity;
        sa.Attempt.LastAttemptCompleteMs = Clock.NowMs();
        Close(sa, ActivityExecutionStatus.Completed, new ActivityExecutionOutcome { Result = result ?? new Payloads() }, RetryState.Unspecified);
    }

    private HeartbeatAnswer Heartbeat(Changes c, StandaloneActivity sa, Payloads? details, string identity)
    {
        CheckSize(details, "Heartbeat details");
        Touch(c, sa);
        var a = sa.Attempt;
        a.LastHeartbeatMs = Clock.NowMs();
        if (!string.IsNullOrEmpty(identity)) a.LastWorkerIdentity = identity;
        if (details != null) a.HeartbeatDetails = details.ToByteArray();
        sa.Record.HeartbeatCount++;
        return new HeartbeatAnswer(a.CancelRequested, a.Paused, a.ResetRequested);
    }

    private void ReportCanceled(Changes c, StandaloneActivity sa, Payloads? details, string identity)
    {
        if (!sa.Attempt.CancelRequested)
            throw ServerErrors.Make(StatusCode.FailedPrecondition, "Activity execution cannot be canceled: no cancellation was requested.");
        CheckSize(details, "Cancel details");
        Touch(c, sa);
        if (!string.IsNullOrEmpty(identity)) sa.Attempt.LastWorkerIdentity = identity;
        sa.Attempt.LastAttemptCompleteMs = Clock.NowMs();
        Close(sa, ActivityExecutionStatus.Canceled, new ActivityExecutionOutcome { Failure = CanceledFailure(sa, details) }, RetryState.CancelRequested);
    }

    private static Failure CanceledFailure(StandaloneActivity sa, Payloads? details) => new()
    {
        Message = string.IsNullOrEmpty(sa.Record.CancelReason) ? "Activity canceled" : sa.Record.CancelReason,
        CanceledFailureInfo = new() { Details = details },
    };

    /// <summary>A failed attempt: retried per the policy, or the execution's final failure.</summary>
    private void FailAttempt(Changes c, StandaloneActivity sa, Failure failure, Payloads? lastHeartbeat, string identity)
    {
        CheckSize(failure, "Failure");
        Touch(c, sa);
        var a = sa.Attempt;
        if (lastHeartbeat != null) a.HeartbeatDetails = lastHeartbeat.ToByteArray();
        if (!string.IsNullOrEmpty(identity)) a.LastWorkerIdentity = identity;
        var now = Clock.NowMs();
        a.LastAttemptCompleteMs = now;
        var policy = RequestOf(sa).RetryPolicy ?? RetryMath.Normalize(null);
        long? deadline = a.ScheduleToCloseMs > 0 ? a.FirstScheduledTimeMs + a.ScheduleToCloseMs : null;
        var (retry, backoff, state) = RetryMath.Decide(policy, a.Attempt, failure, now, deadline);
        if (a.CancelRequested) { retry = false; state = RetryState.CancelRequested; }
        // Paused or reset by an operator: it waits for unpause, or starts again at attempt 1.
        if (WorkflowEngine.OperatorDecidesRetry(a, failure, retry, backoff, now))
        {
            a.DispatchStamp++;
            return;
        }
        if (retry)
        {
            a.Attempt++;
            a.Started = false;
            a.StartedTimeMs = 0;
            a.LastHeartbeatMs = null;
            a.LastFailure = failure.ToByteArray();
            a.ScheduledTimeMs = now + backoff;
            a.DispatchStamp++;
            return;
        }
        var timedOut = failure.TimeoutFailureInfo != null;
        // As for workflow activities: a timed-out attempt that is not retried because the next one
        // would start after the schedule-to-close deadline ended the execution by schedule-to-close.
        if (timedOut && state == RetryState.Timeout && failure.TimeoutFailureInfo!.TimeoutType != TimeoutType.ScheduleToClose)
        {
            failure = failure.Clone();
            failure.Message = "activity ScheduleToClose timeout";
            failure.TimeoutFailureInfo.TimeoutType = TimeoutType.ScheduleToClose;
        }
        a.LastFailure = failure.ToByteArray();
        Close(sa, timedOut ? ActivityExecutionStatus.TimedOut : ActivityExecutionStatus.Failed, new ActivityExecutionOutcome { Failure = failure }, state);
    }

    /// <summary>A deadline passed: start-to-close and heartbeat end the attempt (retried where allowed); the others end the execution.</summary>
    private void TimeOut(Changes c, StandaloneActivity sa, TimeoutType type)
    {
        var a = sa.Attempt;
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
            FailAttempt(c, sa, failure, null, "");
            return;
        }
        Touch(c, sa);
        if (a.LastFailure != null) failure.Cause = Failure.Parser.ParseFrom(a.LastFailure);
        Close(sa, ActivityExecutionStatus.TimedOut, new ActivityExecutionOutcome { Failure = failure }, RetryState.Timeout);
    }

    /// <summary>Ends the execution with its outcome; pending tasks and deadlines become stale.</summary>
    private static void Close(StandaloneActivity sa, ActivityExecutionStatus status, ActivityExecutionOutcome outcome, RetryState retryState)
    {
        var r = sa.Record;
        r.Status = (int)status;
        r.CloseTimeMs = Clock.NowMs();
        r.RetryState = (int)retryState;
        outcome.RetryState = retryState;
        r.Outcome = outcome.ToByteArray();
        sa.Attempt.Started = false;
    }
}

/// <summary>What a heartbeat's answer tells the running attempt.</summary>
public readonly record struct HeartbeatAnswer(bool CancelRequested, bool Paused, bool Reset);
