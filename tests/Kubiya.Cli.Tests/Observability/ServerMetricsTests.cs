using System.Net;
using Kubiya.Cli.Tests.Infrastructure;

namespace Kubiya.Cli.Tests.Observability;

/// <summary>Kubiya.Server --metrics-port: RPC counts and latency, open executions and task backlog, parsed by the reference parser.</summary>
[Trait("Category", "Observability")]
public sealed class ServerMetricsTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task TheServerServesRpcOpenExecutionAndBacklogMetrics()
    {
        var metricsPort = ObservabilityFixture.FreePort();
        var home = Path.Combine(Path.GetTempPath(), "kubiya-srvmetrics-" + Guid.NewGuid().ToString("N")[..8]);
        await using var server = new ServerProcess(null, "--metrics-port", metricsPort.ToString());
        await server.StartAsync();
        try
        {
            var env = new CliEnvironment(home, server.Address, server.Token);
            var queue = CliFixture.Unique("nobody");
            // Two queued executions nobody serves: open, with two workflow tasks in the backlog.
            for (var i = 0; i < 2; i++)
                (await env.RunAsync("exec", "agent", "shell", "echo later", "--queue", queue, "--no-wait", "-o", "json")).Exit(0);

            var response = await Http.GetAsync($"http://127.0.0.1:{metricsPort}/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var families = (await PrometheusText.ParseAsync(await response.Content.ReadAsStringAsync())).ToDictionary(f => f.Name);

            Assert.Contains(families["kubiya_server_rpc"].Samples, s => s.Name == "kubiya_server_rpc_total"
                && s.Labels["service"] == "WorkflowService" && s.Labels["method"] == "StartWorkflowExecution" && s.Labels["code"] == "0" && s.Value >= 2);
            Assert.Equal("histogram", families["kubiya_server_rpc_duration_seconds"].Type);
            Assert.Contains(families["kubiya_server_rpc_duration_seconds"].Samples, s => s.Name == "kubiya_server_rpc_duration_seconds_count"
                && s.Labels["method"] == "StartWorkflowExecution" && s.Value >= 2);
            Assert.Contains(families["kubiya_server_open_executions"].Samples, s => s.Labels["namespace"] == "default" && s.Value >= 2);
            Assert.Contains(families["kubiya_server_task_backlog"].Samples, s => s.Labels["task_queue"] == queue && s.Labels["type"] == "workflow" && s.Value == 2);

            // The gRPC port does not serve it, and the metrics port serves nothing else.
            Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"http://127.0.0.1:{metricsPort}/other")).StatusCode);
        }
        finally
        {
            try { Directory.Delete(home, true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task ABadMetricsPortIsAUsageError()
    {
        await using var server = new ServerProcess(null, "--metrics-port", "70000");
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => server.StartAsync());
        Assert.Contains("--metrics-port must be 1-65535", ex.Message + string.Join("\n", server.Output));
    }

    [Fact]
    public async Task ServerStartPassesTheMetricsPortToTheEmbeddedServer()
    {
        var home = Path.Combine(Path.GetTempPath(), "kubiya-srvstart-" + Guid.NewGuid().ToString("N")[..8]);
        var serverPort = ObservabilityFixture.FreePort();
        var metricsPort = ObservabilityFixture.FreePort();
        var env = new CliEnvironment(home, null).With("KUBIYA_SERVER_PORT", serverPort.ToString());
        try
        {
            Assert.Contains("--metrics-port must be 1-65535", (await env.RunAsync("server", "start", "--metrics-port", "0")).Exit(2).Stderr);
            var started = (await env.RunAsync("server", "start", "--metrics-port", metricsPort.ToString())).Exit(0);
            Assert.Contains($"http://127.0.0.1:{metricsPort}/metrics", started.Stdout);
            // A call through the CLI, then the server's own counters show it.
            (await env.RunAsync("execution", "list", "-o", "json")).Exit(0);
            var families = (await PrometheusText.ParseAsync(await Http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics"))).ToDictionary(f => f.Name);
            Assert.Contains(families["kubiya_server_rpc"].Samples, s => s.Name == "kubiya_server_rpc_total" && s.Labels["method"] == "ListWorkflowExecutions" && s.Value >= 1);

            // Already running with these metrics: nothing to do; without them on another port: say so.
            (await env.RunAsync("server", "start", "--metrics-port", metricsPort.ToString())).Exit(0);
            var other = ObservabilityFixture.FreePort();
            Assert.Contains("[ServerAlreadyRunning]", (await env.RunAsync("server", "start", "--metrics-port", other.ToString())).Exit(1).Stderr);
        }
        finally
        {
            await env.RunAsync("server", "stop");
            try { Directory.Delete(home, true); } catch (IOException) { }
        }
    }
}
