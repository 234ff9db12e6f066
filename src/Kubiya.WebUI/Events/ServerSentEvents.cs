using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Kubiya.WebUI.Events;

/// <summary>Writes a <c>text/event-stream</c> response (the browser's EventSource protocol).</summary>
internal sealed class ServerSentEvents
{
    private readonly HttpResponse response;
    private readonly SemaphoreSlim gate = new(1, 1);

    private ServerSentEvents(HttpResponse response) => this.response = response;

    /// <summary>True when the request asks for an event stream.</summary>
    public static bool Wanted(HttpRequest request) =>
        request.Headers.Accept.Any(a => a != null && a.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase));

    /// <summary>The last event id the client saw (the EventSource's <c>Last-Event-ID</c> header, or <c>?lastEventId=</c>).</summary>
    public static long? LastEventId(HttpRequest request)
    {
        var text = request.Headers["Last-Event-ID"].FirstOrDefault() ?? request.Query["lastEventId"].FirstOrDefault();
        return long.TryParse(text, out var id) ? id : null;
    }

    /// <summary>Starts the stream: headers flushed, so the client sees it open at once.</summary>
    public static async Task<ServerSentEvents> StartAsync(HttpContext context)
    {
        var r = context.Response;
        r.ContentType = "text/event-stream; charset=utf-8";
        r.Headers.CacheControl = "no-store";
        r.Headers["X-Accel-Buffering"] = "no";
        var sse = new ServerSentEvents(r);
        await sse.WriteRawAsync("retry: 2000\n\n", context.RequestAborted);
        return sse;
    }

    /// <summary>Writes one event; <paramref name="id"/> lets the client resume after it.</summary>
    public Task WriteAsync(string type, object data, long? id, CancellationToken ct) =>
        WriteJsonAsync(type, JsonSerializer.Serialize(data, WebUIJson.Options), id, ct);

    /// <summary>Writes one event whose data is already JSON text.</summary>
    public Task WriteJsonAsync(string type, string json, long? id, CancellationToken ct)
    {
        var sb = new StringBuilder();
        if (id != null) sb.Append("id: ").Append(id.Value).Append('\n');
        sb.Append("event: ").Append(type).Append('\n');
        foreach (var line in json.Split('\n')) sb.Append("data: ").Append(line).Append('\n');
        sb.Append('\n');
        return WriteRawAsync(sb.ToString(), ct);
    }

    private async Task WriteRawAsync(string text, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            await response.WriteAsync(text, ct);
            await response.Body.FlushAsync(ct);
        }
        finally { gate.Release(); }
    }
}
