namespace Kubiya.Server.Engine;

/// <summary>
/// Sticky dispatch: after a worker completes a workflow task it names its own sticky queue;
/// the run's next tasks go there with only the new events, so the worker continues from its
/// cache instead of replaying the whole history. If the sticky worker does not pick a task up
/// within its schedule-to-start timeout, or shuts down, the task falls back to the normal
/// queue with full history. Stickiness is an optimisation only: it is never required.
/// </summary>
public sealed partial class WorkflowEngine
{
    /// <summary>The queue the next workflow task goes to.</summary>
    private string NextWorkflowTaskQueue(Execution e, int attempt) =>
        attempt == 1 && e.State.StickyQueue is { Length: > 0 } sticky && !LeavesItsVersion(e) ? sticky : e.State.TaskQueue;

    /// <summary>Sends a scheduled, not yet started workflow task back to the normal queue.</summary>
    private void FallBackToNormalQueue(Tx tx, Execution e)
    {
        tx.Touch(e);
        e.State.StickyQueue = null;
        if (e.State.Wft is { StartedEventId: 0, Sticky: true } wft)
        {
            wft.Sticky = false;
            wft.TaskQueue = e.State.TaskQueue;
        }
    }

    /// <summary>A worker with this sticky queue is going away: release its runs.</summary>
    public Task ReleaseStickyQueueAsync(string ns, string stickyQueue) =>
        MutateAsync(tx =>
        {
            foreach (var e in cache.Values.Where(x => x.IsOpen && x.State.Namespace == ns && x.State.StickyQueue == stickyQueue).ToList())
                FallBackToNormalQueue(tx, e);
        });

    /// <summary>Events a sticky worker has not seen yet: everything after the last task it completed.</summary>
    private static bool SendsPartialHistory(Execution e, string polledQueue) =>
        polledQueue != e.State.TaskQueue && e.State.LastCompletedWftStartedEventId > 0;

    /// <summary>Queues a query task on the run's normal queue (full history up to the last completed task).</summary>
    private void DispatchQuery(Execution e, PendingQuery q)
    {
        var dispatch = ++q.Dispatches;
        q.Delivered = false;
        Microsoft.Extensions.Logging.LoggerExtensions.LogDebug(log, "Query {Query} for {WorkflowId}: dispatch {N}", q.Id, q.WorkflowId, dispatch);
        Matching.Add(e.State.Namespace, e.State.TaskQueue, Matching.WorkflowQueue, QueryRef(q) with { Pin = e.State.Versioning?.Pin });
    }
}
