namespace Kubiya.Server.Engine;

/// <summary>
/// Deadlines of work that was in flight when the server stopped. While the server is down no
/// worker can heartbeat or report a result: a finished step's completion waits in the worker's
/// RPC retries. Firing the deadlines that passed during the outage the moment the database is
/// reopened would time those attempts out before their workers reconnect, and the retries would
/// run the steps a second time. So an attempt started before the restart gets
/// <see cref="EngineLimits.ResumeGrace"/> from the restart (and at least one heartbeat timeout)
/// to be heard from; deadlines of work started after the restart are Temporal's, unchanged.
/// </summary>
public sealed partial class WorkflowEngine
{
    /// <summary>When this process reopened the database's open runs (null before <see cref="RecoverAsync"/>).</summary>
    private long? resumedAtMs;

    private long ResumeGraceMs => (long)Limits.ResumeGrace.TotalMilliseconds;

    /// <summary>A deadline of something that began at <paramref name="sinceMs"/>, pushed past the restart's grace when it began before the restart.</summary>
    private long AfterResume(long sinceMs, long dueMs) =>
        resumedAtMs is { } resumed && sinceMs < resumed ? Math.Max(dueMs, resumed + ResumeGraceMs) : dueMs;

    /// <summary>When a started attempt times out for want of a heartbeat.</summary>
    internal long HeartbeatDeadline(ActivityInfo a)
    {
        var last = a.LastHeartbeatMs ?? a.StartedTimeMs;
        var due = last + a.HeartbeatTimeoutMs;
        // Heard from since the restart: the worker is back, its own heartbeat timeout applies.
        if (resumedAtMs is not { } resumed || last >= resumed) return due;
        return Math.Max(due, resumed + Math.Max(ResumeGraceMs, a.HeartbeatTimeoutMs));
    }

    /// <summary>When a started attempt times out (start-to-close).</summary>
    internal long StartToCloseDeadline(ActivityInfo a) => AfterResume(a.StartedTimeMs, a.StartedTimeMs + a.StartToCloseMs);

    /// <summary>When the activity as a whole times out (schedule-to-close); a running attempt's result is still awaited after a restart.</summary>
    internal long ScheduleToCloseDeadline(ActivityInfo a)
    {
        var due = a.FirstScheduledTimeMs + a.ScheduleToCloseMs;
        return a.Started ? AfterResume(a.StartedTimeMs, due) : due;
    }

    /// <summary>When a started workflow task times out; its completion may be waiting in the worker's retries too.</summary>
    internal long WorkflowTaskDeadline(ExecutionState s, WorkflowTaskInfo wft) => AfterResume(wft.StartedTimeMs, wft.StartedTimeMs + TimeoutOf(s, wft));
}
