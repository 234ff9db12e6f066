using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Prometheus;

namespace Kubiya.Server.Metrics;

/// <summary>
/// <c>--metrics-port</c>: a plain HTTP/1.1 listener on the server's bind address that answers
/// only <c>GET /metrics</c> (read-only, no secrets, so no token); the gRPC port never serves it.
/// </summary>
public static class MetricsListener
{
    /// <summary>Adds the listener to Kestrel.</summary>
    public static void Listen(KestrelServerOptions kestrel, string bind, int port) =>
        kestrel.Listen(IPAddress.Parse(bind), port, l => l.Protocols = HttpProtocols.Http1);

    /// <summary>Maps <c>/metrics</c> to the metrics port only, and measures every gRPC call.</summary>
    public static void Map(WebApplication app, int port)
    {
        app.Use((context, next) => ServerMetrics.MeasureAsync(context, () => next(context)));
        app.MapGet("/metrics", async context =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
        }).RequireHost($"*:{port}");
    }
}
