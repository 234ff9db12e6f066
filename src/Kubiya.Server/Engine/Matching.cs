using System.Collections.Concurrent;

namespace Kubiya.Server.Engine;

/// <summary>
/// A dispatchable unit of work: a workflow task, an activity task or a query. <paramref name="Pin"/>
/// names the worker deployment version the task must run on (null: wherever the task queue's
/// routing sends it; see Engine/Deployments).
/// </summary>
public sealed record TaskRef(string Kind, string Namespace, string WorkflowId, string RunId, long ScheduledEventId, int Attempt, string? QueryId = null, string? Pin = null)
{
    /// <summary>Set when the task was started for the poll that receives it, inside the transition that scheduled it: the poll's answer.</summary>
    public object? Started { get; init; }
}

/// <summary>A poller seen on a task queue, for DescribeTaskQueue.</summary>
public sealed record PollerSeen(string Identity, long LastAccessMs);

/// <summary>
/// In-memory task queues. The durable truth is each run's state; after a restart the engine
/// re-adds every pending task, and a task handed out is validated against the run before use,
/// so a stale or duplicate entry is harmless.
/// A queue that a versioned worker has polled routes each task to the pollers of one
/// deployment version (Matching.Versions.cs); every other queue hands any task to any poller.
/// </summary>
public sealed partial class Matching
{
    /// <summary>Task queue type numbers as in temporal.api.enums.v1.TaskQueueType.</summary>
    public const int WorkflowQueue = 1, ActivityQueue = 2;

    private readonly ConcurrentDictionary<(string, string, int), Queue> queues = new();

    private sealed class Queue
    {
        public readonly LinkedList<TaskRef> Tasks = new();
        public readonly LinkedList<PollWaiter> Waiters = new();
        public readonly Dictionary<string, long> Pollers = new();
        // Long polls in progress per identity: such a poller is being accessed now, however long ago its poll began.
        public readonly Dictionary<string, int> Polling = new();
        /// <summary>Set once a versioned worker polls: tasks are then routed by version.</summary>
        public volatile bool Versioned;
        /// <summary>Waiting polls of versioned workers, by version key (unversioned ones wait in <see cref="Waiters"/>).</summary>
        public Dictionary<string, LinkedList<PollWaiter>>? VersionWaiters;
    }

    private Queue Get(string ns, string queue, int type) => queues.GetOrAdd((ns, queue, type), _ => new Queue());

    /// <summary>Hands the task to a waiting poller, or queues it.</summary>
    public void Add(string ns, string queue, int type, TaskRef task)
    {
        var q = Get(ns, queue, type);
        if (q.Versioned) { AddRouted(q, queue, type, task); return; }
        lock (q)
        {
            while (q.Waiters.First is { } node)
            {
                q.Waiters.RemoveFirst();
                if (node.Value.TryDeliver(task)) return;
            }
            q.Tasks.AddLast(task);
        }
    }

    /// <summary>Long-polls for a task; null when <paramref name="maxWait"/> passes or the caller goes away.</summary>
    /// <remarks><paramref name="version"/> is the poller's deployment version key ("" for an unversioned worker).</remarks>
    public async Task<TaskRef?> PollAsync(string ns, string queue, int type, string identity, TimeSpan maxWait, CancellationToken ct, string version = "")
    {
        var q = Get(ns, queue, type);
        PollWaiter waiter;
        LinkedListNode<PollWaiter> node;
        lock (q)
        {
            q.Pollers[identity ?? ""] = Clock.NowMs();
            if (q.Versioned)
            {
                if (TakeRouted(q, queue, type, version) is { } routed) return routed;
            }
            else if (q.Tasks.First is { } first)
            {
                q.Tasks.RemoveFirst();
                return first.Value;
            }
            waiter = new PollWaiter(identity ?? "", ct);
            node = WaitersFor(q, version).AddLast(waiter);
            q.Polling[identity ?? ""] = q.Polling.TryGetValue(identity ?? "", out var n) ? n + 1 : 1;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(maxWait);
        using (timeout.Token.Register(() => waiter.TryDeliver(null)))
        {
            var result = await waiter.Task.ConfigureAwait(false);
            lock (q)
            {
                node.List?.Remove(node);
                q.Pollers[identity ?? ""] = Clock.NowMs();
                if (q.Polling.TryGetValue(identity ?? "", out var n) && n > 1) q.Polling[identity ?? ""] = n - 1;
                else q.Polling.Remove(identity ?? "");
            }
            return result;
        }
    }

    /// <summary>A poll reserved by <see cref="Claim"/>, with the queue it waited on.</summary>
    internal sealed class WaiterClaim(object queue, LinkedListNode<PollWaiter> node)
    {
        public readonly object Queue = queue;
        public readonly LinkedListNode<PollWaiter> Node = node;
        public PollWaiter Waiter => Node.Value;
    }

    /// <summary>
    /// Reserves the longest-waiting poll of an unversioned queue for a task the caller starts
    /// itself; null when none waits (or the queue routes by version).
    /// </summary>
    internal WaiterClaim? Claim(string ns, string queue, int type)
    {
        if (!queues.TryGetValue((ns, queue, type), out var q) || q.Versioned) return null;
        lock (q)
        {
            while (q.Waiters.First is { } node)
            {
                q.Waiters.RemoveFirst();
                if (node.Value.TryClaim()) return new WaiterClaim(q, node);
            }
        }
        return null;
    }

    /// <summary>Puts a claimed poll back at the head of its queue (or answers it with nothing when its wait ended meanwhile).</summary>
    internal void Unclaim(WaiterClaim claim)
    {
        var q = (Queue)claim.Queue;
        lock (q)
        {
            if (claim.Waiter.Release()) q.Waiters.AddFirst(claim.Node);
        }
    }

    /// <summary>Pollers seen on the queue in the last five minutes; one inside a long poll is seen now.</summary>
    public List<PollerSeen> Pollers(string ns, string queue, int type)
    {
        if (!queues.TryGetValue((ns, queue, type), out var q)) return new();
        var now = Clock.NowMs();
        var cutoff = now - 300_000;
        lock (q)
        {
            return q.Pollers.Where(p => p.Value >= cutoff || q.Polling.ContainsKey(p.Key))
                .Select(p => new PollerSeen(p.Key, q.Polling.ContainsKey(p.Key) ? now : p.Value)).ToList();
        }
    }

    /// <summary>Tasks waiting for a poller.</summary>
    public int Backlog(string ns, string queue, int type)
    {
        if (!queues.TryGetValue((ns, queue, type), out var q)) return 0;
        lock (q) return q.Tasks.Count;
    }

    /// <summary>Releases every long poll of a queue with an empty answer (worker shutdown).</summary>
    public void ReleasePollers(string ns, string queue, int type)
    {
        if (!queues.TryGetValue((ns, queue, type), out var q)) return;
        lock (q)
        {
            foreach (var w in q.Waiters) w.TryDeliver(null);
            q.Waiters.Clear();
            if (q.VersionWaiters != null)
                foreach (var list in q.VersionWaiters.Values)
                {
                    foreach (var w in list) w.TryDeliver(null);
                    list.Clear();
                }
        }
    }

    /// <summary>Tasks waiting per queue (for the metrics).</summary>
    public List<(string Namespace, string Queue, int Type, int Tasks)> Backlogs()
    {
        var result = new List<(string, string, int, int)>();
        foreach (var kv in queues)
            lock (kv.Value) result.Add((kv.Key.Item1, kv.Key.Item2, kv.Key.Item3, kv.Value.Tasks.Count));
        return result;
    }
}
