using System.Collections.Concurrent;
using System.Diagnostics;
using Hangfire;
using Hangfire.States;
using Hangfire.Storage;
using Hangfire.Storage.SQLite;

namespace Kubiya.Bench;

/// <summary>
/// The durable-job peer: Hangfire on SQLite (Hangfire.Storage.SQLite) running one-step jobs from
/// concurrent enqueuers, measured as the server bench measures one-activity workflows, in the
/// same run. A job counts as done when Hangfire applies its Succeeded state (after the step ran).
/// </summary>
public static class HangfireBench
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Waiting = new();

    /// <summary>How often Hangfire's SQLite storage polls its queue (its default is 15 s; kept short so latency is not the poll).</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>The one step each job runs.</summary>
    public static int Step(string id, int n) => n;

    /// <summary>Completes the enqueuer's wait when the job's Succeeded state is applied.</summary>
    private sealed class DoneFilter : IApplyStateFilter
    {
        public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
        {
            if (context.NewState is SucceededState && context.BackgroundJob.Job.Args[0] is string id && Waiting.TryRemove(id, out var done))
                done.TrySetResult();
        }

        public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction) { }
    }

    /// <summary>Runs the Hangfire phase and prints it beside <paramref name="ours"/> with the targets.</summary>
    public static async Task CompareAsync(ServerBench.Result ours, int enqueuers, int perEnqueuer)
    {
        var dir = Path.Combine(Path.GetTempPath(), "kubiya-bench-hangfire-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            GlobalConfiguration.Configuration
                .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings()
                .UseSQLiteStorage(Path.Combine(dir, "hangfire.db"), new SQLiteStorageOptions { QueuePollInterval = PollInterval })
                .UseFilter(new DoneFilter());
            var client = new BackgroundJobClient();
            using var server = new BackgroundJobServer(new BackgroundJobServerOptions { WorkerCount = Math.Max(enqueuers, Environment.ProcessorCount * 5) });
            await Run(client, 1, 30); // warm-up
            var cpu0 = ProcessCpu.SelfCpuMs();
            var r = await Run(client, enqueuers, perEnqueuer);
            var cpu = (ProcessCpu.SelfCpuMs() - cpu0) / r.Count;
            Console.WriteLine($"Hangfire {typeof(BackgroundJob).Assembly.GetName().Version!.ToString(3)} + Hangfire.Storage.SQLite, {enqueuers} enqueuers: {r.Count} one-step jobs = {r.PerSecond:F1} jobs/s; " +
                              $"enqueue-to-done p50 {r.P50Ms:F1} ms, p99 {r.P99Ms:F1} ms; CPU per job {cpu:F2} ms (enqueuers + Hangfire server, one process; queue poll {PollInterval.TotalMilliseconds:0} ms, its default 15 s)");
            Console.WriteLine($"ratio: one-activity workflows with {enqueuers} starters / Hangfire jobs = {ours.PerSecond / r.PerSecond:F2}x throughput (target >= 5x), " +
                              $"our p50 {ours.P50Ms:F1} ms (target <= 20 ms) vs Hangfire p50 {r.P50Ms:F1} ms");
            if (ours.WorkerCpuMs + ours.StarterCpuMs > 0)
                Console.WriteLine($"  5x needs {5 * r.PerSecond:F0} executions/s; the SDK's worker and starters alone ({ours.WorkerCpuMs + ours.StarterCpuMs:F2} ms CPU per execution) " +
                                  $"allow at most {Environment.ProcessorCount * 1000 / (ours.WorkerCpuMs + ours.StarterCpuMs):F0} on {Environment.ProcessorCount} cores");
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<ServerBench.Result> Run(BackgroundJobClient client, int enqueuers, int perEnqueuer)
    {
        var latencies = new List<double>();
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, enqueuers).Select(e => Task.Run(async () =>
        {
            for (var i = 0; i < perEnqueuer; i++)
            {
                var id = Guid.NewGuid().ToString("N");
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Waiting[id] = done;
                var t = Stopwatch.StartNew();
                var n = i;
                client.Enqueue(() => Step(id, n));
                await done.Task.WaitAsync(TimeSpan.FromSeconds(60));
                lock (latencies) latencies.Add(t.Elapsed.TotalMilliseconds);
            }
        })));
        sw.Stop();
        latencies.Sort();
        var c = latencies.Count;
        double P(double q) => latencies[Math.Min(c - 1, (int)(q * c))];
        return new ServerBench.Result(c, c / sw.Elapsed.TotalSeconds, P(0.50), P(0.99));
    }
}
