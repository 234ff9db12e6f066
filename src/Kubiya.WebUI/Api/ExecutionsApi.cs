using System.Globalization;
using System.Text.Json;
using Kubiya.Core.Errors;
using Kubiya.Core.Executions;
using Kubiya.Core.Logs;
using Kubiya.WebUI.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Kubiya.WebUI.Api;

/// <summary>
/// Executions: list (the filters of Get-KubiyaExecution), get, logs (JSON, or SSE when asked for
/// <c>text/event-stream</c>, resumable by entry id), cancel and answer. Served under
/// <c>/api/executions</c> and, with the Kubiya docs' query names, under <c>/api/v1/executions</c>.
/// </summary>
internal static class ExecutionsApi
{
    public static void MapExecutionsApi(this IEndpointRouteBuilder app, WebUIContext ui)
    {
        foreach (var root in new[] { "/api/executions", "/api/v1/executions" })
        {
            app.MapGet(root, (HttpRequest r, CancellationToken ct) => ApiResults.Try(() => ListAsync(ui, r, ct)));
            app.MapGet(root + "/{id}", (string id, CancellationToken ct) => ApiResults.Try(async () =>
            {
                var executions = await ui.Runtime.ExecutionsAsync(ct);
                return ApiResults.Json(ui.Views.Execution(await executions.GetAsync(id, true, ct)));
            }));
            app.MapGet(root + "/{id}/logs", (string id, HttpContext http) => LogsAsync(ui, id, http));
            app.MapPost(root + "/{id}/cancel", (string id, CancellationToken ct) => ApiResults.Try(async () =>
            {
                var executions = await ui.Runtime.ExecutionsAsync(ct);
                var info = await executions.CancelAsync(id, ct);
                ui.Feed.PublishChanges(new[] { info });
                return ApiResults.Json(ui.Views.Execution(info));
            }));
            app.MapPost(root + "/{id}/input", (string id, HttpRequest r, CancellationToken ct) => ApiResults.Try(async () =>
            {
                var answer = await ReadAnswerAsync(r, ct);
                var executions = await ui.Runtime.ExecutionsAsync(ct);
                var info = await executions.SendInputAsync(id, answer, ct);
                ui.Feed.PublishChanges(new[] { info });
                return ApiResults.Json(ui.Views.Execution(info));
            }));
        }
    }

    private static async Task<IResult> ListAsync(WebUIContext ui, HttpRequest r, CancellationToken ct)
    {
        var filter = Filter(r.Query);
        var executions = await ui.Runtime.ExecutionsAsync(ct);
        var list = await executions.ListAsync(filter, ct);
        return ApiResults.Json(list.Select(ui.Views.Execution).ToList());
    }

    /// <summary>The filter a query string asks for: status (repeat or comma-separate), agent / agent_id, team, queue, schedule, since, limit, skip (as Get-KubiyaExecution -First / -Skip).</summary>
    internal static ExecutionFilter Filter(IQueryCollection q)
    {
        // Kubiya's docs spell them lower case with underscores (waiting_for_input); the CLI reads them the same way.
        var statuses = ExecutionFilterText.Statuses(q["status"]);
        var limitText = q["limit"].FirstOrDefault() ?? q["first"].FirstOrDefault();
        var limit = 50;
        if (limitText != null && (!int.TryParse(limitText, NumberStyles.Integer, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > 1000))
            throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "InvalidLimit", $"limit must be a number from 1 to 1000 (got '{limitText}').", limitText);
        var skipText = q["skip"].FirstOrDefault() ?? q["offset"].FirstOrDefault();
        var skip = 0;
        if (skipText != null && (!int.TryParse(skipText, NumberStyles.Integer, CultureInfo.InvariantCulture, out skip) || skip < 0))
            throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "InvalidSkip", $"skip must be a number from 0 up (got '{skipText}').", skipText);
        DateTimeOffset? since = null;
        if (q["since"].FirstOrDefault() is { Length: > 0 } sinceText)
            since = DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var s) ? s
                : throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "InvalidSince", $"since must be a date and time (ISO 8601), not '{sinceText}'.", sinceText);
        return new ExecutionFilter
        {
            Statuses = statuses,
            Agent = NonEmpty(q["agent"].FirstOrDefault() ?? q["agent_id"].FirstOrDefault()),
            Team = NonEmpty(q["team"].FirstOrDefault() ?? q["team_id"].FirstOrDefault()),
            Queue = NonEmpty(q["queue"].FirstOrDefault() ?? q["queue_id"].FirstOrDefault()),
            Schedule = NonEmpty(q["schedule"].FirstOrDefault()),
            Since = since,
            First = limit,
            Skip = skip,
        };
    }

    private static string? NonEmpty(string? v) => string.IsNullOrWhiteSpace(v) ? null : v.Trim();

    private static async Task<string> ReadAnswerAsync(HttpRequest r, CancellationToken ct)
    {
        string? answer = null;
        if (r.HasJsonContentType())
        {
            using var doc = await JsonDocument.ParseAsync(r.Body, cancellationToken: ct);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("answer", out var a) && a.ValueKind == JsonValueKind.String)
                answer = a.GetString();
        }
        else if (r.HasFormContentType) answer = (await r.ReadFormAsync(ct))["answer"].FirstOrDefault();
        if (string.IsNullOrWhiteSpace(answer))
            throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "AnswerRequired", "Send the answer as JSON: { \"answer\": \"yes\" }.", null);
        return answer;
    }

    /// <summary>
    /// The execution's log from its durable history: a JSON array, or an event stream that follows
    /// it to its end. Each entry's id is its position, so a reconnect with Last-Event-ID resumes.
    /// </summary>
    private static async Task LogsAsync(WebUIContext ui, string id, HttpContext http)
    {
        var ct = http.RequestAborted;
        if (!ServerSentEvents.Wanted(http.Request))
        {
            var result = await ApiResults.Try(async () =>
            {
                var logs = await ui.Runtime.LogsAsync(ct);
                var all = await logs.ReadAllAsync(id, ct);
                return ApiResults.Json(all.Select(ui.Views.LogEntry).ToList());
            });
            await result.ExecuteAsync(http);
            return;
        }
        try
        {
            ExecutionService.ValidateId(id);
            var executions = await ui.Runtime.ExecutionsAsync(ct);
            await executions.GetAsync(id, false, ct); // a clear 404 before the stream opens
        }
        catch (KubiyaException ex)
        {
            await ApiResults.Error(ex.Kind == KubiyaErrorKind.NotFound ? 404 : 400, ex.ErrorId, ex.Message).ExecuteAsync(http);
            return;
        }
        var sse = await ServerSentEvents.StartAsync(http);
        var skip = ServerSentEvents.LastEventId(http.Request) ?? 0;
        long index = 0;
        using var heartbeat = Heartbeats(sse, ui.Options.HeartbeatInterval, ct);
        var pending = Task.CompletedTask;
        try
        {
            var reader = await ui.Runtime.LogsAsync(ct);
            await reader.ReadAsync(id, follow: true, entry =>
            {
                var n = ++index;
                if (n <= skip) return;
                var view = ui.Views.LogEntry(entry);
                pending = pending.ContinueWith(_ => sse.WriteAsync("log", view, n, ct), ct, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
            }, ct);
            await pending;
            var info = await (await ui.Runtime.ExecutionsAsync(ct)).GetAsync(id, false, ct);
            await sse.WriteAsync("end", ui.Views.Execution(info), null, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            try { await sse.WriteAsync("error", new { error = WebUIContext.Describe(ex) }, null, ct); } catch (Exception) { }
        }
    }

    /// <summary>A heartbeat event every <paramref name="interval"/> until disposed.</summary>
    internal static IDisposable Heartbeats(ServerSentEvents sse, TimeSpan interval, CancellationToken ct) =>
        new Timer(_ =>
        {
            _ = sse.WriteAsync("heartbeat", new { time = WebUIContext.Iso(DateTimeOffset.UtcNow) }, null, ct).ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
        }, null, interval, interval);
}
