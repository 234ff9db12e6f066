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
        // Callers are not authenticated here: the bench measures the engine. KUBIYA_BENCH_RPCS=1 also
        // serves the server's metrics and prints the RPCs per execution by method (the metrics
        // middleware costs some server CPU, so CPU figures are compared without it).
        var rpcs = Environment.GetEnvironmentVariable("KUBIYA_BENCH_RPCS") == "1" ? new RpcCounts(StatsProfile.FreePort()) : null;
        await using var server = rpcs == null ? new ServerProcess(null, "--no-auth") : new ServerProcess(null, "--no-auth", "--metrics-port", rpcs.Port.ToString());
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
        await Measure(client, queue, pids, starters: 1, perStarter: 300 * scale, label: "1 starter", rpcs);
        var ours = await Measure(client, queue, pids, starters: 8, perStarter: 150 * scale, label: "8 starters", rpcs);
        Console.WriteLine($"sqlite raw commits/s (same disk, WAL, synchronous=NORMAL): {SqliteCommitRate(Path.GetDirectoryName(server.DbPath)!):F0}");
        // KUBIYA_BENCH_PEERS=0 skips the peer (for quick before/after runs of the engine alone).
        if (Environment.GetEnvironmentVariable("KUBIYA_BENCH_PEERS") != "0")
            await HangfireBench.CompareAsync(ours, enqueuers: 8, perEnqueuer: 150 * scale);
    }

    /// <summary>The server's and the worker's process ids (the starters are this process).</summary>
    private sealed record Pids(int Server, int Worker);

    /// <summary>Throughput and latency of one measured phase, with the CPU milliseconds per execution of each process (0 when not measured).</summary>
    public sealed record Result(int Count, double PerSecond, double P50Ms, double P99Ms, double ServerCpuMs = 0, double WorkerCpuMs = 0, double StarterCpuMs = 0);

    private static async Task<Result> Measure(TemporalClient client, string queue, Pids pids, int starters, int perStarter, string label,
        RpcCounts? rpcs = null, bool print = true)
    {
        var latencies = new List<double>();
        var rpcs0 = rpcs == null ? null : await rpcs.ReadAsync();
        var cpu0 = (Server: ProcessCpu.CpuMs(pids.Server), Worker: ProcessCpu.CpuMs(pids.Worker), Starter: ProcessCpu.SelfCpuMs());
        var sys0 = ProcessCpu.SysMs(pids.Server);
        var io0 = WriteIo(pids.Server);
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
        var io1 = WriteIo(pids.Server);
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
        Console.WriteLine($"  server writes per execution: {(io1.Bytes - io0.Bytes) / 1024.0 / n:F0} KB in {(double)(io1.Calls - io0.Calls) / n:F0} write calls (database, WAL, checkpoints and sockets)");
        if (rpcs != null) Console.WriteLine("  " + RpcCounts.PerExecution(rpcs0!, await rpcs.ReadAsync(), n));
        return r;
    }

    /// <summary>Bytes the process asked to write (wchar) and its write calls (syscw), from /proc/PID/io.</summary>
    private static (long Bytes, long Calls) WriteIo(int pid)
    {
        long bytes = 0, calls = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/io"))
        {
            if (line.StartsWith("wchar:")) bytes = long.Parse(line[6..].Trim());
            else if (line.StartsWith("syscw:")) calls = long.Parse(line[6..].Trim());
        }
        return (bytes, calls);
    }

    /// <summary>The server's RPC counters (kubiya_server_rpc_total) read from its metrics port.</summary>
    private sealed class RpcCounts(int port)
    {
        private static readonly HttpClient Http = new();

        public int Port => port;

        /// <summary>Calls answered so far, by method.</summary>
        public async Task<Dictionary<string, double>> ReadAsync()
        {
            var text = await Http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
            var counts = new Dictionary<string, double>();
            foreach (var line in text.Split('\n'))
            {
                var m = System.Text.RegularExpressions.Regex.Match(line, @"^kubiya_server_rpc_total\{.*method=""([^""]+)"".*\} (\S+)$");
                if (!m.Success) continue;
                var method = m.Groups[1].Value;
                counts[method] = counts.GetValueOrDefault(method) + double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
            return counts;
        }

        /// <summary>"RPCs per execution: N (Method a, ...)" for the calls between two readings.</summary>
        public static string PerExecution(Dictionary<string, double> before, Dictionary<string, double> after, int executions)
        {
            var per = after.Select(kv => (Method: kv.Key, Count: (kv.Value - before.GetValueOrDefault(kv.Key)) / executions))
                .Where(x => x.Count > 0.005).OrderByDescending(x => x.Count).ToList();
            return $"RPCs per execution: {per.Sum(x => x.Count):F2} ({string.Join(", ", per.Select(x => $"{x.Method} {x.Count:F2}"))})";
        }
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
