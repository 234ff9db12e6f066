using System.Collections.Concurrent;

namespace Kubiya.Server.Engine;

/// <summary>
/// Server-side completion of a worker's outstanding polls at its shutdown (Temporal's
/// <c>worker_poll_complete_on_shutdown</c> capability): polls that carry a worker instance key
/// end with an empty answer when ShutdownWorker names that key, so the worker stops at once
/// instead of waiting out its long polls. A poll arriving after the shutdown ends at once too.
/// </summary>
public sealed class WorkerShutdowns
{
    private sealed class Worker
    {
        public readonly CancellationTokenSource Shutdown = new();
        public long LastUseMs = Clock.NowMs();
    }

    private readonly ConcurrentDictionary<(string Ns, string Key), Worker> workers = new();

    /// <summary>How long a worker instance is remembered after its last poll or its shutdown.</summary>
    private const long ForgetAfterMs = 10 * 60_000;

    /// <summary>A poll's cancellation: its caller going away, or its worker shutting down.</summary>
    public Poll Track(string ns, string? workerInstanceKey, CancellationToken callerGone)
    {
        if (string.IsNullOrEmpty(workerInstanceKey)) return new Poll(callerGone, null);
        var w = workers.GetOrAdd((ns, workerInstanceKey), _ => new Worker());
        w.LastUseMs = Clock.NowMs();
        return new Poll(callerGone, CancellationTokenSource.CreateLinkedTokenSource(callerGone, w.Shutdown.Token));
    }

    /// <summary>ShutdownWorker: ends every poll of the worker instance, now and for a while after.</summary>
    public void Shutdown(string ns, string? workerInstanceKey)
    {
        Prune();
        if (string.IsNullOrEmpty(workerInstanceKey)) return;
        var w = workers.GetOrAdd((ns, workerInstanceKey), _ => new Worker());
        w.LastUseMs = Clock.NowMs();
        w.Shutdown.Cancel();
    }

    private void Prune()
    {
        var cutoff = Clock.NowMs() - ForgetAfterMs;
        foreach (var kv in workers)
            if (kv.Value.LastUseMs < cutoff && workers.TryRemove(kv.Key, out var gone)) gone.Shutdown.Dispose();
    }

    /// <summary>The token a poll waits on; dispose when the poll ends.</summary>
    public readonly struct Poll(CancellationToken callerGone, CancellationTokenSource? linked) : IDisposable
    {
        public CancellationToken Token => linked?.Token ?? callerGone;
        public void Dispose() => linked?.Dispose();
    }
}
