using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Engine;

/// <summary>
/// Workflow tasks started in the transition that schedules them. When a poll already waits on
/// the task queue, the task is started for it (WorkflowTaskStarted appended) before the
/// transition is written, and the poll is answered once that commit succeeded. The history is
/// the same as when the poll takes the task and starts it in a transition of its own; it saves
/// one transition, commit and wake-up per workflow task (two of a one-activity run's six).
/// Only unversioned runs on queues no versioned worker polls, so no routing decision is involved.
/// </summary>
public sealed partial class WorkflowEngine
{
    /// <summary>Starts, for a waiting poll, each workflow task the transition left scheduled; runs before its writes.</summary>
    private void StartTasksForWaitingPolls(Tx tx)
    {
        if (Deployments.Any) return;
        for (var i = 0; i < tx.Touched.Count; i++)
        {
            var e = tx.Touched[i];
            var s = e.State;
            if (!e.IsOpen || s.Versioning != null || s.Wft is not { StartedEventId: 0, Transient: false } wft) continue;
            if (Matching.Claim(s.Namespace, wft.TaskQueue, Matching.WorkflowQueue) is not { } claim) continue;
            var task = new TaskRef(TaskToken.Workflow, s.Namespace, s.WorkflowId, s.RunId, wft.ScheduledEventId, wft.Attempt);
            PollWorkflowTaskQueueResponse? resp;
            try
            {
                resp = StartWorkflowTask(tx, task, claim.Waiter.Identity, wft.TaskQueue);
            }
            catch
            {
                Matching.Unclaim(claim);
                throw;
            }
            if (resp == null)
            {
                Matching.Unclaim(claim);
                continue;
            }
            (tx.Claims ??= new()).Add((claim, task with { Started = resp }));
            if (log.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug))
                Microsoft.Extensions.Logging.LoggerExtensions.LogDebug(log, "Workflow task {ScheduledEventId} of {WorkflowId} started for the waiting poll of {Identity}",
                    wft.ScheduledEventId, s.WorkflowId, claim.Waiter.Identity);
        }
    }

    /// <summary>
    /// A task started for a poll whose caller went away before the commit let it be answered: no
    /// worker has it, so it times out now (WorkflowTaskTimedOut, as its start-to-close timeout
    /// would record later) and is scheduled again for the next poll, instead of waiting out that
    /// timeout. If this transition fails, the timeout still applies.
    /// </summary>
    private async Task TimeOutUndeliveredAsync(TaskRef task)
    {
        try
        {
            await MutateAsync(tx =>
            {
                var e = LoadRun(task.Namespace, task.RunId);
                if (e is { IsOpen: true } && e.State.Wft is { StartedEventId: > 0 } wft
                    && wft.ScheduledEventId == task.ScheduledEventId && wft.Attempt == task.Attempt)
                    TimeOutWorkflowTask(tx, e);
            }).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(log, ex,
                "Workflow task {ScheduledEventId} of {WorkflowId} reached no poll; it times out after its start-to-close timeout", task.ScheduledEventId, task.WorkflowId);
        }
    }

    /// <summary>The transition did not commit: its claimed polls wait again (the task is dispatched as usual if it still exists).</summary>
    private void ReleaseClaims(Tx tx)
    {
        if (tx.Claims == null) return;
        foreach (var (claim, _) in tx.Claims) Matching.Unclaim(claim);
        tx.Claims = null;
    }
}
