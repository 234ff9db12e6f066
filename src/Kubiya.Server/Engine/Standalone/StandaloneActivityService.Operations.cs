using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Engine.Standalone;

/// <summary>
/// Pause, unpause and reset of a standalone activity, as Temporal's activity operations do for
/// workflow activities (Engine/WorkflowEngine.ActivityOps.cs): a paused execution is not
/// dispatched and a failed attempt of it is not retried until unpaused; a running attempt learns
/// of a pause or reset from its next heartbeat's answer; a reset starts again at attempt 1 (at
/// once between attempts, else when the running attempt ends).
/// </summary>
public sealed partial class StandaloneActivityService
{
    /// <summary>The open execution an operation names, or NotFound / FailedPrecondition.</summary>
    private StandaloneActivity OpenForOperation(string ns, string activityId, string runId)
    {
        var sa = Find(ns, activityId, runId);
        if (!sa.Record.IsOpen) throw Precondition("Activity execution already closed.");
        return sa;
    }

    public Task<PauseActivityExecutionResponse> PauseAsync(PauseActivityExecutionRequest r)
    {
        CheckLengths(r.RequestId, r.Reason);
        return MutateAsync(c =>
        {
            var sa = OpenForOperation(r.Namespace, r.ActivityId, r.RunId);
            var a = sa.Attempt;
            if (a.Paused) return new PauseActivityExecutionResponse();
            Touch(c, sa);
            a.Paused = true;
            a.PausedTimeMs = Clock.NowMs();
            a.PausedBy = r.Identity ?? "";
            a.PauseReason = r.Reason ?? "";
            a.DispatchStamp++;
            return new PauseActivityExecutionResponse();
        });
    }

    public Task<UnpauseActivityExecutionResponse> UnpauseAsync(UnpauseActivityExecutionRequest r)
    {
        CheckLengths(r.RequestId, r.Reason);
        return MutateAsync(c =>
        {
            var sa = OpenForOperation(r.Namespace, r.ActivityId, r.RunId);
            var a = sa.Attempt;
            if (!a.Paused) return new UnpauseActivityExecutionResponse();
            Touch(c, sa);
            a.Paused = false;
            a.PausedTimeMs = null;
            a.PausedBy = a.PauseReason = "";
            if (!a.Started) a.ScheduledTimeMs = Clock.NowMs() + WorkflowEngine.JitterMs(r.Jitter);
            a.DispatchStamp++;
            return new UnpauseActivityExecutionResponse();
        });
    }

    public Task<ResetActivityExecutionResponse> ResetAsync(ResetActivityExecutionRequest r)
    {
        CheckLengths(r.RequestId, "");
        if (r.RestoreOriginalOptions)
            throw ServerErrors.Unsupported("restore_original_options does not apply here: Kubiya.Server does not change a standalone activity's options.");
        return MutateAsync(c =>
        {
            var sa = OpenForOperation(r.Namespace, r.ActivityId, r.RunId);
            var a = sa.Attempt;
            Touch(c, sa);
            if (a.Paused && !r.KeepPaused)
            {
                a.Paused = false;
                a.PausedTimeMs = null;
                a.PausedBy = a.PauseReason = "";
            }
            if (a.Started)
            {
                a.ResetRequested = true;
                a.ResetHeartbeat = r.ResetHeartbeat;
            }
            else
            {
                a.Attempt = 1;
                a.LastFailure = null;
                if (r.ResetHeartbeat) a.HeartbeatDetails = null;
                a.ScheduledTimeMs = Clock.NowMs() + WorkflowEngine.JitterMs(r.Jitter);
            }
            a.DispatchStamp++;
            return new ResetActivityExecutionResponse();
        });
    }
}
