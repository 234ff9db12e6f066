using System.Diagnostics;
using Kubiya.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Temporalio.Activities;
using Temporalio.Client;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Bench;

/// <summary>
/// Engine throughput: one-activity workflows driven by 1 and 8 concurrent starters through the
/// real SDK, plus the raw SQLite commit rate of the same disk for comparison.
/// </summary>
public static class ServerBench
{
    [Workflow("BenchOneActivity")]
    public sealed class OneActivityWorkflow
    {
        [WorkflowRun]
        public Task<int> RunAsync(int n) =>
            Workflow.ExecuteActivityAsync(() => Echo(n), new() { StartToCloseTimeout = TimeSpan.FromSeconds(30) });
    }

    [Activity("BenchEcho")]
    public static int Echo(int n) => n;

    public static async Task RunAsync()
    {
        await using var server = new ServerProcess();
        await server.StartAsync();
        var client = await server.ConnectAsync();
        var queue = "bench-" + Guid.NewGuid().ToString("N");
        using var worker = new TemporalWorker(client, new TemporalWorkerOptions(queue)
        {
            MaxConcurrentWorkflowTasks = 100,
            MaxConcurrentActivities = 100,
        }.AddWorkflow<OneActivityWorkflow>().AddActivity(Echo));
        using var stop = new CancellationTokenSource();
        var run = worker.ExecuteAsync(stop.Token);

        await Measure(client, queue, starters: 1, perStarter: 50, label: "warm-up", print: false);
        await Measure(client, queue, starters: 1, perStarter: 300, label: "1 starter");
        await Measure(client, queue, starters: 8, perStarter: 150, label: "8 starters");
        Console.WriteLine($"sqlite raw commits/s (same disk, WAL, synchronous=NORMAL): {SqliteCommitRate(Path.GetDirectoryName(server.DbPath)!):F0}");

        stop.Cancel();
        try { await run; } catch (OperationCanceledException) { }
    }

    private static async Task Measure(TemporalClient client, string queue, int starters, int perStarter, string label, bool print = true)
    {
        var latencies = new List<double>();
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, starters).Select(async s =>
        {
            for (var i = 0; i < perStarter; i++)
            {
                var t = Stopwatch.StartNew();
                var result = await client.ExecuteWorkflowAsync((OneActivityWorkflow wf) => wf.RunAsync(i),
                    new($"bench-{Guid.NewGuid():N}", queue));
                if (result != i) throw new InvalidOperationException("wrong result");
                lock (latencies) latencies.Add(t.Elapsed.TotalMilliseconds);
            }
        }));
        sw.Stop();
        if (!print) return;
        latencies.Sort();
        double P(double q) => latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
        Console.WriteLine($"{label}: {latencies.Count} executions in {sw.Elapsed.TotalSeconds:F2}s = {latencies.Count / sw.Elapsed.TotalSeconds:F1} executions/s; " +
                          $"start-to-close p50 {P(0.50):F1} ms, p99 {P(0.99):F1} ms");
    }

    /// <summary>Small single-row transactions per second with the server's pragmas.</summary>
    private static double SqliteCommitRate(string dir)
    {
        var path = Path.Combine(dir, "raw-commit-bench.db");
        using var conn = new SqliteConnection($"Data Source={path};Pooling=False");
        conn.Open();
        using (var c = conn.CreateCommand())
        {
            c.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, v BLOB);";
            c.ExecuteNonQuery();
        }
        var payload = new byte[512];
        var sw = Stopwatch.StartNew();
        var n = 0;
        while (sw.Elapsed < TimeSpan.FromSeconds(2))
        {
            using var tx = conn.BeginTransaction();
            using var ins = conn.CreateCommand();
            ins.CommandText = "INSERT INTO t(v) VALUES($v)";
            ins.Parameters.AddWithValue("$v", payload);
            ins.ExecuteNonQuery();
            tx.Commit();
            n++;
        }
        return n / sw.Elapsed.TotalSeconds;
    }
}
