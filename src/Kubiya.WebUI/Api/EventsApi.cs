using Kubiya.WebUI.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Kubiya.WebUI.Api;

/// <summary>
/// <c>/api/events</c>: one event stream with the overview (every few seconds), execution status
/// changes and worker log lines, a heartbeat every 15 s, and resume with <c>Last-Event-ID</c>.
/// </summary>
internal static class EventsApi
{
    public static void MapEventsApi(this IEndpointRouteBuilder app, WebUIContext ui)
    {
        app.MapGet("/api/events", async (HttpContext http) =>
        {
            var ct = http.RequestAborted;
            var (missed, live, subscription) = ui.Hub.Subscribe(ServerSentEvents.LastEventId(http.Request));
            using (subscription)
            {
                var sse = await ServerSentEvents.StartAsync(http);
                using var heartbeat = ExecutionsApi.Heartbeats(sse, ui.Options.HeartbeatInterval, ct);
                try
                {
                    foreach (var e in missed) await sse.WriteJsonAsync(e.Type, e.Json, e.Id, ct);
                    if (missed.Count == 0 && ui.Hub.Recent(1, "overview") is { Count: 1 } latest)
                        await sse.WriteJsonAsync(latest[0].Type, latest[0].Json, latest[0].Id, ct); // fill the page at once
                    await foreach (var e in live.ReadAllAsync(ct)) await sse.WriteJsonAsync(e.Type, e.Json, e.Id, ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
            }
        });
    }
}
