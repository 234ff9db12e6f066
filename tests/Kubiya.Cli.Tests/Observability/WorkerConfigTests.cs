using System.Text.Json;
using Kubiya.Cli.Tests.Infrastructure;

namespace Kubiya.Cli.Tests.Observability;

/// <summary>
/// ~/.kubiya/worker-config.yaml (the Kubiya worker guide's file) drives a real worker process:
/// queue, server address, namespace, concurrency, step timeout, log level and log rotation, with
/// one warning line for the keys that mean nothing here and a clear error for a bad value.
/// </summary>
[Collection(ObservabilityCollection.Name)]
[Trait("Category", "Observability")]
public sealed class WorkerConfigTests(ObservabilityFixture fx) : IDisposable
{
    private readonly List<string> homes = new();

    /// <summary>A home of its own holding <paramref name="workerConfig"/>, reaching the server only through the file.</summary>
    private CliEnvironment Home(string workerConfig, string hostName)
    {
        var home = Path.Combine(Path.GetTempPath(), "kubiya-wcfg-cli-" + Guid.NewGuid().ToString("N")[..10]);
        homes.Add(home);
        var env = new CliEnvironment(home, address: null, apiKey: fx.Server.Token)
            .With("KUBIYA_TEST_HEARTBEAT_INTERVAL", "1")
            .With("WORKER_HOSTNAME", hostName)
            .With("WC_TEMPORAL_HOST", fx.Server.Address);
        File.WriteAllText(Path.Combine(home, "worker-config.yaml"), workerConfig.Replace("\r\n", "\n"));
        return env;
    }

    private static async Task<JsonElement?> HeartbeatAsync(CliEnvironment env, string queue)
    {
        var list = (await env.RunAsync("worker", "list", "--queue-id", queue, "-o", "json")).Exit(0).Json;
        return list.EnumerateArray().Where(e => e.TryGetProperty("source", out var s) && s.GetString() == "heartbeat").Cast<JsonElement?>().FirstOrDefault();
    }

    [Fact]
    public async Task TheFileGivesTheWorkerItsQueueServerNamespaceConcurrencyTimeoutAndLogLevel()
    {
        var ns = CliFixture.Unique("wcns");
        var client = await fx.Server.ConnectAsync();
        await client.Connection.WorkflowService.RegisterNamespaceAsync(new() { Namespace = ns, WorkflowExecutionRetentionPeriod = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromDays(1)) });
        var queue = CliFixture.Unique("wcq");
        var env = Home($$"""
            queue_id: {{queue}}
            deployment_type: local
            daemon_mode: false
            control_plane:
              url: https://control-plane.kubiya.ai
              api_key: ${KUBIYA_CONTROL_PLANE_KEY}
            temporal:
              host: ${WC_TEMPORAL_HOST}
              namespace: {{ns}}
              task_queue: {{queue}}
            logging:
              level: ERROR
            resources:
              max_concurrent_activities: 1
              activity_timeout: "4s"
            """, "host-wcfg");

        // No --queue-id and no KUBIYA_TEMPORAL_ADDRESS: both come from the file.
        using var worker = env.Start(new[] { "worker", "start" });
        JsonElement? row = null;
        await ObservabilityFixture.EventuallyAsync(async () => (row = await HeartbeatAsync(env, queue)) != null, "the worker's heartbeat", TimeSpan.FromSeconds(90));
        Assert.Equal(queue, row!.Value.GetProperty("queueId").GetString());
        Assert.Equal("host-wcfg", row.Value.GetProperty("host").GetString());
        Assert.Equal(1, row.Value.GetProperty("slots").GetInt32());
        // The heartbeat is on the file's namespace, not on default.
        Assert.Null(await HeartbeatAsync(fx.Env, queue));
        Assert.NotNull(await HeartbeatAsync(fx.Env.With("KUBIYA_TEMPORAL_NAMESPACE", ns), queue));

        // One warning line about the control plane keys, and their reference needs no variable.
        var warnings = worker.Stderr.Split('\n').Where(l => l.Contains("warning")).ToList();
        Assert.Single(warnings);
        Assert.Contains("worker-config.yaml: control_plane means nothing here and is ignored", warnings[0]);

        // max_concurrent_activities: 1 — two steps sent at once run one after the other.
        var marks = Path.Combine(env.Home, "marks");
        Directory.CreateDirectory(marks);
        string Step(string n) => $"date +%s%N > {marks}/{n}.start; sleep 1; date +%s%N > {marks}/{n}.end";
        var runs = await Task.WhenAll(
            env.RunAsync("exec", "agent", "shell", Step("a"), "--queue", queue, "-o", "json"),
            env.RunAsync("exec", "agent", "shell", Step("b"), "--queue", queue, "-o", "json"));
        foreach (var r in runs) r.Exit(0);
        long Mark(string f) => long.Parse(File.ReadAllText(Path.Combine(marks, f)).Trim());
        Assert.True(Mark("a.end") <= Mark("b.start") || Mark("b.end") <= Mark("a.start"),
            $"the steps overlapped: a {Mark("a.start")}-{Mark("a.end")}, b {Mark("b.start")}-{Mark("b.end")}");

        // activity_timeout: "4s" — a longer step is stopped at 4 s.
        var slow = (await env.RunAsync("exec", "agent", "shell", "sleep 60", "--queue", queue, "-o", "json")).Exit(1).Json;
        Assert.Contains("timed out after 4s", slow.GetProperty("error").GetString());

        // logging.level: ERROR — the worker's log holds none of its Information lines.
        worker.Signal("TERM");
        (await worker.WaitForExitAsync()).Exit(0);
        var log = await File.ReadAllTextAsync(Path.Combine(env.Home, "workers", queue, "logs", "worker.log"));
        Assert.DoesNotContain("polling queue", log);
        Assert.DoesNotContain("Metrics: ", log);
        Assert.DoesNotContain("polling queue", worker.Stdout);
    }

    [Fact]
    public async Task TheLoggingSectionRotatesTheWorkerLog()
    {
        var queue = CliFixture.Unique("wcrot");
        var env = Home("""
            temporal:
              host: ${WC_TEMPORAL_HOST}
            logging:
              level: INFO
              max_size_bytes: 1024
              max_backups: 1
            """, "host-rotate");
        var log = Path.Combine(env.Home, "workers", queue, "logs", "worker.log");
        using var worker = env.Start(new[] { "worker", "start", "--queue-id", queue });
        // A Metrics line a second: a 1 KB log rotates within seconds, twice within a few more.
        await ObservabilityFixture.EventuallyAsync(() => Task.FromResult(File.Exists(log + ".1")), "the first rotation", TimeSpan.FromSeconds(90));
        // Read between renames: a rotation may be under way.
        static string? FirstLine(string path) { try { return File.ReadLines(path).FirstOrDefault(); } catch (IOException) { return null; } }
        string? first = null;
        await ObservabilityFixture.EventuallyAsync(() => Task.FromResult((first = FirstLine(log + ".1")) != null), "the rotated file's first line", TimeSpan.FromSeconds(10));
        await ObservabilityFixture.EventuallyAsync(() => Task.FromResult(FirstLine(log + ".1") is { } l && l != first), "a second rotation", TimeSpan.FromSeconds(60));
        Assert.False(File.Exists(log + ".2"), "max_backups: 1 keeps one rotated file");
        Assert.True(new FileInfo(log + ".1").Length <= 1024 + 512, $"worker.log.1 is {new FileInfo(log + ".1").Length} bytes");
        worker.Signal("TERM");
        (await worker.WaitForExitAsync()).Exit(0);
    }

    [Fact]
    public async Task DaemonModeStartsADaemonWithTheFilesLogLimitsAndQueue()
    {
        var queue = CliFixture.Unique("wcd");
        var env = Home($$"""
            queue_id: {{queue}}
            daemon_mode: true
            temporal:
              host: ${WC_TEMPORAL_HOST}
            logging:
              max_size_bytes: 4096
              max_backups: 2
            """, "host-wcd");
        try
        {
            // No -d, no --queue-id, no log options: all from the file.
            var started = (await env.RunAsync("worker", "start", "-o", "json")).Exit(0).Json;
            Assert.Equal("running", started.GetProperty("state").GetString());
            var pid = started.GetProperty("pid").GetInt32();
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            Assert.Contains($"supervise --queue-id {queue} ", cmdline);
            Assert.Contains("--max-log-size 4096 ", cmdline);
            Assert.Contains("--max-log-backups 2 ", cmdline);
            var exec = (await env.RunAsync("exec", "agent", "shell", "echo via-file-daemon", "--queue", queue, "-o", "json")).Exit(0).Json;
            Assert.Contains("via-file-daemon", exec.GetProperty("output").GetString());
            // worker status and stop find the queue in the file too.
            (await env.RunAsync("worker", "status")).Exit(0);
        }
        finally
        {
            (await env.RunAsync("worker", "stop")).Exit(0);
        }
    }

    [Fact]
    public async Task ABadValueIsOneLineNamingTheFileAndKey()
    {
        var env = Home("queue_id: q1\nresources:\n  max_concurrent_activities: lots\n", "host-bad");
        var r = (await env.RunAsync("worker", "start")).Exit(1);
        var line = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.StartsWith("kubiya: error: ", line);
        Assert.Contains(Path.Combine(env.Home, "worker-config.yaml") + ":3:30: resources.max_concurrent_activities: 'lots' is not a whole number", line);
        Assert.DoesNotContain("Exception", line);

        var unset = Home("temporal:\n  namespace: ${WC_UNSET_NAMESPACE}\n", "host-bad2");
        var u = (await unset.RunAsync("execution", "list")).Exit(1);
        Assert.Contains("temporal.namespace: the environment variable WC_UNSET_NAMESPACE it refers to is not set", u.Stderr);
    }

    [Fact]
    public async Task WithoutAQueueAnywhereWorkerStartSaysWhereToGiveOne()
    {
        var env = Home("temporal:\n  host: ${WC_TEMPORAL_HOST}\n", "host-noq");
        var r = (await env.RunAsync("worker", "start")).Exit(2);
        var line = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("--queue-id", line);
        Assert.Contains("worker-config.yaml", line);
        Assert.Contains("[QueueRequired]", line);
    }

    public void Dispose()
    {
        foreach (var h in homes)
            try { Directory.Delete(h, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
