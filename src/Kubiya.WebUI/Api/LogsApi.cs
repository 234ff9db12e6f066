using System.Globalization;
using Kubiya.Core.Logging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Kubiya.WebUI.Api;

/// <summary>The worker log: search across rotated files with a minimum level (live lines come over <c>/api/events</c>).</summary>
internal static class LogsApi
{
    public static void MapLogsApi(this IEndpointRouteBuilder app, WebUIContext ui)
    {
        app.MapGet("/api/logs", (HttpRequest r) => ApiResults.Try(() =>
        {
            if (ui.LogFile is not { } file)
                return Task.FromResult(ApiResults.Error(404, "NoWorkerLog", "This UI belongs to no worker: start it with --queue to read that worker's log."));
            var limit = int.TryParse(r.Query["limit"].FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 1, 10000) : 500;
            var level = r.Query["level"].FirstOrDefault();
            var search = r.Query["search"].FirstOrDefault();
            var lines = WorkerLogSearch.Search(file, level, search, limit);
            var files = WorkerLogSearch.Files(file).Select(Path.GetFileName).ToList();
            return Task.FromResult(ApiResults.Json(new { logFile = file, files, levels = WorkerLogSearch.Levels, lines }));
        }));
    }
}
