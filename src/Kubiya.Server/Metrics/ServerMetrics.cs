using System.Diagnostics;
using Kubiya.Server.Engine;
using Kubiya.Server.Visibility;
using Prometheus;

namespace Kubiya.Server.Metrics;

/// <summary>
/// The server's Prometheus metrics (prometheus-net): RPC counts and latency by method and gRPC
/// status, measured by a middleware (no change to the gRPC handlers or interceptors); open
/// executions per namespace and task backlog per queue, read from the engine at scrape time.
/// </summary>
public static class ServerMetrics
{
    private static readonly Counter Rpcs = Prometheus.Metrics.CreateCounter(
        "kubiya_server_rpc_total", "gRPC calls answered, by service, method and gRPC status code.",
        new CounterConfiguration { LabelNames = ["service", "method", "code"] });

    private static readonly Histogram RpcLatency = Prometheus.Metrics.CreateHistogram(
        "kubiya_server_rpc_duration_seconds", "Time to answer a gRPC call (long polls included), by service and method.",
        new HistogramConfiguration { LabelNames = ["service", "method"], Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 90] });

    private static readonly Gauge OpenExecutions = Prometheus.Metrics.CreateGauge(
        "kubiya_server_open_executions", "Workflow executions that are running, per namespace.",
        new GaugeConfiguration { LabelNames = ["namespace"] });

    private static readonly Gauge Backlog = Prometheus.Metrics.CreateGauge(
        "kubiya_server_task_backlog", "Tasks waiting for a poller, per namespace, task queue and type (workflow, activity).",
        new GaugeConfiguration { LabelNames = ["namespace", "task_queue", "type"] });

    /// <summary>Counts and times every gRPC call; placed before routing so every method is seen.</summary>
    public static async Task MeasureAsync(HttpContext context, Func<Task> next)
    {
        if (!context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) ?? true)
        {
            await next();
            return;
        }
        var clock = Stopwatch.StartNew();
        await next();
        var (service, method) = Split(context.Request.Path.Value ?? "");
        var code = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseTrailersFeature>()?.Trailers is { } t && t.TryGetValue("grpc-status", out var s)
            ? s.ToString()
            : context.Response.Headers.TryGetValue("grpc-status", out var h) ? h.ToString() : "0";
        Rpcs.WithLabels(service, method, code).Inc();
        RpcLatency.WithLabels(service, method).Observe(clock.Elapsed.TotalSeconds);
    }

    /// <summary>Reads open executions and backlogs before each scrape.</summary>
    public static void Attach(WorkflowEngine engine, VisibilityService visibility)
    {
        Prometheus.Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            foreach (var ns in engine.Namespaces.All)
            {
                try
                {
                    var count = visibility.Count(new Temporalio.Api.WorkflowService.V1.CountWorkflowExecutionsRequest
                    {
                        Namespace = ns.Name,
                        Query = "ExecutionStatus = 'Running'",
                    });
                    OpenExecutions.WithLabels(ns.Name).Set(count.Count);
                }
                catch (Exception)
                {
                    // Storage busy or failing: keep the last value; the RPC metrics show the failure.
                }
            }
            foreach (var b in engine.Matching.Backlogs())
                Backlog.WithLabels(b.Namespace, b.Queue, b.Type == Matching.WorkflowQueue ? "workflow" : "activity").Set(b.Tasks);
        });
    }

    private static (string Service, string Method) Split(string path)
    {
        var parts = path.Trim('/').Split('/');
        if (parts.Length != 2) return ("unknown", "unknown");
        var service = parts[0];
        var dot = service.LastIndexOf('.');
        return (dot < 0 ? service : service[(dot + 1)..], parts[1]);
    }
}
