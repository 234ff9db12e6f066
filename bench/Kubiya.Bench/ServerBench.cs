using System.Diagnostics;
using Kubiya.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Temporalio.Activities;
using Temporalio.Client;
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
        // Callers are not authenticated here: the bench measures the engine.
        await using var server = new ServerProcess(null, "--no-auth");
        await server.StartAsync();
        var client = await server.ConnectAsync();
        var queue = "bench-" + Guid.NewGuid().ToString("N");
        await using var worker = await BenchWorkerProcess.StartAsync(server.Address, queue);
        var pids = new Pids(ProcessCpu.FindServerPid(server.DbPath), worker.Pid);
        Console.WriteLine($"processes: server {pids.Server}, worker {pids.Worker}, starters {Environment.ProcessId} (for a profiler to attach)");
        var scale = int.TryParse(Environment.GetEnvironmentVariable("KUBIYA_BENCH_SCALE"), out var k) && k > 0 ? k : 1;

        // Warm-up long enough for tiered JIT to finish recompiling the hot paths of all three processes:
        // with 50 executions, the first measured phase still paid several seconds of rejit CPU.
        await Measure(client, queue, pids, starters: 8, perStarter: 60, label: "warm-up", print: false);
        await Measure(client, queue, pids, starters: 1, perStarter: 300 * scale, label: "1 starter");
        var ours = await Measure(client, queue, pids, starters: 8, perStarter: 150 * scale, label: "8 starters");
        Console.WriteLine($"sqlite raw commits/s (same disk, WAL, synchronous=NORMAL): {SqliteCommitRate(Path.GetDirectoryName(server.DbPath)!):F0}");
        // KUBIYA_BENCH_PEERS=0 skips the peer (for quick before/after runs of the engine alone).
        if (Environment.GetEnvironmentVariable("KUBIYA_BENCH_PEERS") != "0")
            await HangfireBench.CompareAsync(ours, enqueuers: 8, perEnqueuer: 150 * scale);
    }

    /// <summary>The server's and the worker's process ids (the starters are this process).</summary>
    private sealed record Pids(int Server, int Worker);

    /// <summary>Throughput and latency of one measured phase, with the CPU milliseconds per execution of each process (0 when not measured).</summary>
    public sealed record Result(int Count, double PerSecond, double P50Ms, double P99Ms, double ServerCpuMs = 0, double WorkerCpuMs = 0, double StarterCpuMs = 0);

    private static async Task<Result> Measure(TemporalClient client, string queue, Pids pids, int starters, int perStarter, string label, bool print = true)
    {
        var latencies = new List<double>();
        var cpu0 = (Server: ProcessCpu.CpuMs(pids.Server), Worker: ProcessCpu.CpuMs(pids.Worker), Starter: ProcessCpu.SelfCpuMs());
        var sys0 = ProcessCpu.SysMs(pids.Server);
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
        var n = latencies.Count;
        var server = (ProcessCpu.CpuMs(pids.Server) - cpu0.Server) / n;
        var worker = (ProcessCpu.CpuMs(pids.Worker) - cpu0.Worker) / n;
        var starter = (ProcessCpu.SelfCpuMs() - cpu0.Starter) / n;
        var serverSys = (ProcessCpu.SysMs(pids.Server) - sys0) / n;
        latencies.Sort();
        double P(double q) => latencies[Math.Min(n - 1, (int)(q * n))];
        var r = new Result(n, n / sw.Elapsed.TotalSeconds, P(0.50), P(0.99), server, worker, starter);
        if (!print) return r;
        Console.WriteLine($"{label}: {n} executions in {sw.Elapsed.TotalSeconds:F2}s = {r.PerSecond:F1} executions/s; " +
                          $"start-to-close p50 {r.P50Ms:F1} ms, p99 {r.P99Ms:F1} ms");
        var total = server + worker + starter;
        Console.WriteLine($"  CPU per execution: server {server:F2} ms ({100 * serverSys / Math.Max(server, 0.001):F0} % in the kernel), worker {worker:F2} ms, starter {starter:F2} ms; " +
                          $"server share {100 * server / total:F0} % (targets: server <= 3 ms and <= 1/3 of the total)");
        // What the CPU allows: every process shares this machine's cores, so no server change can
        // take the rate past what the SDK's worker and starters alone cost.
        Console.WriteLine($"  CPU ceiling on {Environment.ProcessorCount} cores: {Environment.ProcessorCount * 1000 / total:F0} executions/s at these costs, " +
                          $"{Environment.ProcessorCount * 1000 / (worker + starter):F0} executions/s with a server that cost nothing");
        return r;
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
