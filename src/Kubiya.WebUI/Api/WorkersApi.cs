using Kubiya.Core.Errors;
using Kubiya.Core.Processes;
using Kubiya.Core.Workers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Kubiya.WebUI.Api;

/// <summary>
/// Workers: this machine's daemons (with stop and restart) and the pollers the server reports
/// per queue. Stop and restart run <c>kubiya worker stop|restart</c> detached, so they finish even
/// when the daemon stopped is the one serving this page.
/// </summary>
internal static class WorkersApi
{
    public static void MapWorkersApi(this IEndpointRouteBuilder app, WebUIContext ui)
    {
        app.MapGet("/api/workers", (CancellationToken ct) => ApiResults.Try(async () =>
        {
            var paths = ui.Runtime.Settings.Paths;
            var daemons = DaemonWorkers.All(paths).Where(kv => kv.Value.Info != null).Select(kv => ui.Views.Worker(new WorkerPaths(kv.Key, paths), kv.Value)).ToList();
            var queues = ui.Runtime.KnownQueues().ToList();
            if (ui.Options.Queue is { } own && !queues.Contains(own)) queues.Insert(0, own);
            var pollers = new List<object>();
            string? error = null;
            foreach (var queue in queues.Where(q => !q.StartsWith("local-", StringComparison.Ordinal)))
            {
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    timeout.CancelAfter(TimeSpan.FromSeconds(5));
                    var list = await ui.Runtime.PollersAsync(queue, timeout.Token);
                    pollers.Add(new { queue, workers = list.Select(p => new { identity = p.Identity, state = p.State, lastAccessTime = p.LastAccessTime is { } t ? WebUIContext.Iso(t) : null }).ToList() });
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    error = WebUIContext.Describe(ex);
                    break;
                }
            }
            // Health heartbeats every worker on the namespace records (Lost when silent for 3 intervals).
            var health = new List<object>();
            if (error == null)
            {
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    timeout.CancelAfter(TimeSpan.FromSeconds(5));
                    foreach (var h in await ui.Runtime.WorkerHealthAsync(null, timeout.Token))
                        health.Add(new { queue = h.QueueId, identity = h.Identity, state = h.State, host = h.Host, pid = h.Pid, version = h.Version, uptimeSeconds = h.Uptime?.TotalSeconds, cpuPercent = h.CpuPercent, memoryMb = h.MemoryMb, activeSteps = h.ActiveSteps, completedSteps = h.CompletedSteps, failedSteps = h.FailedSteps, lastHeartbeat = h.LastHeartbeat is { } t ? WebUIContext.Iso(t) : null });
                }
                catch (Exception ex) when (!ct.IsCancellationRequested) { error = WebUIContext.Describe(ex); }
            }
            return ApiResults.Json(new { daemons, pollers, health, pollersError = error });
        }));

        foreach (var action in new[] { "stop", "restart" })
        {
            app.MapPost("/api/workers/{queue}/" + action, (string queue) => ApiResults.Try(() =>
            {
                var paths = new WorkerPaths(queue, ui.Runtime.Settings.Paths);
                var status = DaemonStatusReader.Read(paths);
                if (status.State == DaemonState.Stopped && action == "stop")
                    throw new KubiyaException(KubiyaErrorKind.InvalidState, "DaemonNotRunning", $"No daemon worker runs for queue '{queue}'.", queue);
                if (status.Info == null && action == "restart")
                    throw new KubiyaException(KubiyaErrorKind.NotFound, "DaemonNotFound", $"Queue '{queue}' has never had a daemon worker on this machine.", queue);
                var command = KubiyaCli.Self(new[] { "worker", action, "--queue-id", queue });
                var pid = DetachedProcess.Start(command, Path.Combine(paths.Directory, "webui-" + action + ".out"));
                return Task.FromResult(ApiResults.Json(new { queueId = queue, action, accepted = true, pid }, 202));
            }));
        }
    }
}
