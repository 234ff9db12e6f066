namespace Kubiya.Server.Engine;

/// <summary>A due action on a run: a user timer, a timeout, a retry backoff.</summary>
public sealed record TimerRef(string Kind, string Namespace, string RunId, long Ref, int Stamp, long DueMs)
{
    /// <summary>The run's liveness when the timer belongs to a workflow run: once it reads closed, the timer has nothing left to do.</summary>
    public RunLife? Life { get; init; }
}

/// <summary>
/// Whether a workflow run has closed, shared by the run and its timers. Every deadline of a run
/// is moot once it closed; a timer that knows so is dropped without loading the run (which may
/// have left the engine's cache) or taking the engine lock.
/// </summary>
public sealed class RunLife
{
    private volatile bool closed;

    /// <summary>True once the run has closed (it never reopens).</summary>
    public bool Closed => closed;

    /// <summary>Records that the run closed.</summary>
    public void Close() => closed = true;
}

/// <summary>
/// In-memory timer wheel. Durable truth is the run state (deadlines are stored there); the
/// engine re-registers every deadline after a restart and validates each timer when it fires.
/// </summary>
public sealed class TimerQueue : IAsyncDisposable
{
    private readonly PriorityQueue<TimerRef, long> queue = new();
    private readonly Func<TimerRef, Task> onFire;
    private readonly CancellationTokenSource stop = new();
    private TaskCompletionSource wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task loop;

    public TimerQueue(Func<TimerRef, Task> onFire)
    {
        this.onFire = onFire;
        loop = Task.Run(RunAsync);
    }

    public void Add(TimerRef t)
    {
        lock (queue)
        {
            var wasEarliest = !queue.TryPeek(out _, out var due) || t.DueMs < due;
            queue.Enqueue(t, t.DueMs);
            if (wasEarliest) wake.TrySetResult();
        }
    }

    public int Count { get { lock (queue) return queue.Count; } }

    private async Task RunAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            var due = new List<TimerRef>();
            Task wakeTask;
            long delay;
            lock (queue)
            {
                var now = Clock.NowMs();
                while (queue.TryPeek(out var t, out var at) && at <= now)
                {
                    queue.Dequeue();
                    due.Add(t);
                }
                delay = queue.TryPeek(out _, out var next) ? Math.Min(next - now, 1000) : 1000;
                if (wake.Task.IsCompleted) wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
                wakeTask = wake.Task;
            }
            foreach (var t in due)
            {
                try { await onFire(t).ConfigureAwait(false); }
                catch (Exception) { /* the engine logs; a failed timer is retried by its next reconcile */ }
            }
            if (due.Count > 0) continue;
            try { await Task.WhenAny(Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, delay)), stop.Token), wakeTask).ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
    }

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        try { await loop.ConfigureAwait(false); } catch { }
    }
}
