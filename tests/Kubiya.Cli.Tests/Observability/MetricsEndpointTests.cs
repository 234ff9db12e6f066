using System.Net;
using System.Net.Sockets;
using Kubiya.Cli.Tests.Infrastructure;

namespace Kubiya.Cli.Tests.Observability;

/// <summary>A worker with METRICS_ENABLED serves /metrics (parsed by the reference parser), /healthz and /readyz on METRICS_PORT.</summary>
[Collection(ObservabilityCollection.Name)]
[Trait("Category", "Observability")]
public sealed class MetricsEndpointTests(ObservabilityFixture fx)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task MetricsAreScrapedAndParsedWithTaskCountersSdkMetricsAndProbes()
    {
        var queue = CliFixture.Unique("metrics");
        var port = ObservabilityFixture.FreePort();
        var env = fx.WorkerEnv("host-metrics").With("METRICS_ENABLED", "true").With("METRICS_PORT", port.ToString());
        using var w = await ObservabilityFixture.StartWorkerAsync(env, queue);
        (await fx.Env.RunAsync("exec", "agent", "shell", "echo measured", "--queue", queue, "-o", "json")).Exit(0);
        (await fx.Env.RunAsync("exec", "agent", "shell", "exit 3", "--queue", queue, "-o", "json")).Exit(1);

        var response = await Http.GetAsync($"http://127.0.0.1:{port}/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        var families = await PrometheusText.ParseAsync(await response.Content.ReadAsStringAsync());
        var byName = families.ToDictionary(f => f.Name);

        var tasks = byName["kubiya_worker_tasks"];
        Assert.Equal("counter", tasks.Type);
        Assert.Contains(tasks.Samples, s => s.Name == "kubiya_worker_tasks_total" && s.Labels["queue"] == queue
            && s.Labels["task"] == "kubiya.run-step" && s.Labels["outcome"] == "completed" && s.Value >= 1);
        var executions = byName["kubiya_executions"];
        Assert.Contains(executions.Samples, s => s.Name == "kubiya_executions_total" && s.Labels["agent"] == "shell" && s.Labels["outcome"] == "completed" && s.Value == 1);
        Assert.Contains(executions.Samples, s => s.Name == "kubiya_executions_total" && s.Labels["agent"] == "shell" && s.Labels["outcome"] == "failed" && s.Value == 1);
        var duration = byName["kubiya_worker_task_duration_seconds"];
        Assert.Equal("histogram", duration.Type);
        Assert.Contains(duration.Samples, s => s.Name == "kubiya_worker_task_duration_seconds_bucket" && s.Labels["le"] == "+Inf" && s.Value >= 1);
        Assert.Equal("histogram", byName["kubiya_worker_task_queue_wait_seconds"].Type);
        Assert.Contains(byName["kubiya_worker_info"].Samples, s => s.Labels["queue"] == queue && s.Labels["version"] == "0.1.0" && s.Value == 1);
        // The Temporal SDK's own metrics (runtime telemetry), e.g. its poll requests.
        Assert.Contains(families, f => f.Name.StartsWith("temporal_", StringComparison.Ordinal));
        Assert.Contains(families, f => f.Name.StartsWith("temporal_long_request", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync($"http://127.0.0.1:{port}/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync($"http://127.0.0.1:{port}/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"http://127.0.0.1:{port}/other")).StatusCode);

        w.Signal("TERM");
        (await w.WaitForExitAsync()).Exit(0);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => Http.GetAsync($"http://127.0.0.1:{port}/healthz"));
    }

    [Fact]
    public async Task ATakenMetricsPortFailsTheStartWithAClearError()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var r = await fx.WorkerEnv("host-taken").With("METRICS_ENABLED", "true").With("METRICS_PORT", port.ToString())
            .RunAsync(new[] { "worker", "start", "--queue-id", CliFixture.Unique("metrics") }, null, TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("MetricsPortInUse", r.Stderr);
        Assert.Contains($"127.0.0.1:{port}", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public async Task WithoutMetricsEnabledNothingListens()
    {
        var port = ObservabilityFixture.FreePort();
        using var w = await ObservabilityFixture.StartWorkerAsync(fx.WorkerEnv("host-off").With("METRICS_PORT", port.ToString()), CliFixture.Unique("metrics"));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => Http.GetAsync($"http://127.0.0.1:{port}/metrics"));
        w.Signal("TERM");
        (await w.WaitForExitAsync()).Exit(0);
    }
}
