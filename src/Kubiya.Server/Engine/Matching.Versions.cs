namespace Kubiya.Server.Engine;

/// <summary>
/// Version-aware dispatch for task queues that belong to a worker deployment. Each poller
/// names its version ("" for unversioned workers); each task's version is decided when it is
/// matched (its pin, or the queue's current / ramping version), so a routing change reaches
/// tasks already in the backlog. Queues no versioned worker ever polled never get here.
/// </summary>
public sealed partial class Matching
{
    /// <summary>Decides which version's pollers may take a task: (task, queue, type) → version key ("" = unversioned).</summary>
    public Func<TaskRef, string, int, string>? Router { get; set; }

    /// <summary>Routes the queue's tasks by version from now on.</summary>
    public void MarkVersioned(string ns, string queue, int type)
    {
        var q = Get(ns, queue, type);
        if (q.Versioned) return;
        lock (q)
        {
            q.VersionWaiters ??= new();
            q.Versioned = true;
        }
    }

    /// <summary>Whether a versioned worker has polled the queue.</summary>
    public bool IsVersioned(string ns, string queue, int type) => queues.TryGetValue((ns, queue, type), out var q) && q.Versioned;

    /// <summary>
    /// Offers every queued task of the queue again to the waiting pollers: after the queue's
    /// routing changed (a new current or ramping version), a task may now belong to a poller that waits.
    /// </summary>
    public void Rematch(string ns, string queue, int type)
    {
        if (!queues.TryGetValue((ns, queue, type), out var q) || !q.Versioned) return;
        lock (q)
        {
            var node = q.Tasks.First;
            while (node != null)
            {
                var next = node.Next;
                if (HandToWaiter(q, queue, type, node.Value)) q.Tasks.Remove(node);
                node = next;
            }
        }
    }

    private string RouteOf(TaskRef task, string queue, int type) => Router?.Invoke(task, queue, type) ?? task.Pin ?? "";

    private static LinkedList<PollWaiter> WaitersFor(Queue q, string version)
    {
        if (version.Length == 0 || q.VersionWaiters == null) return q.Waiters;
        if (!q.VersionWaiters.TryGetValue(version, out var list)) q.VersionWaiters[version] = list = new();
        return list;
    }

    private void AddRouted(Queue q, string queue, int type, TaskRef task)
    {
        lock (q)
        {
            if (!HandToWaiter(q, queue, type, task)) q.Tasks.AddLast(task);
        }
    }

    /// <summary>Gives the task to a poll waiting for its version; false when none waits. Runs under the queue lock.</summary>
    private bool HandToWaiter(Queue q, string queue, int type, TaskRef task)
    {
        var waiters = WaitersFor(q, RouteOf(task, queue, type));
        while (waiters.First is { } node)
        {
            waiters.RemoveFirst();
            if (node.Value.TryDeliver(task)) return true;
        }
        return false;
    }

    /// <summary>The first queued task routed to <paramref name="version"/>, taken off the queue. Runs under the queue lock.</summary>
    private TaskRef? TakeRouted(Queue q, string queue, int type, string version)
    {
        for (var node = q.Tasks.First; node != null; node = node.Next)
        {
            if (RouteOf(node.Value, queue, type) != version) continue;
            q.Tasks.Remove(node);
            return node.Value;
        }
        return null;
    }
}
