using Kubiya.Core.Executions;
using Kubiya.Core.Logging;

namespace Kubiya.WebUI.Events;

/// <summary>
/// Feeds the hub while the UI runs: the overview every few seconds (while someone listens), an
/// <c>execution</c> event whenever a listed execution changes status, and every new worker log line.
/// </summary>
internal sealed class LiveFeed(WebUIContext ui)
{
    private readonly Dictionary<string, string> lastStatus = new(StringComparer.Ordinal);

    public Task RunAsync(CancellationToken ct) => Task.WhenAll(OverviewLoopAsync(ct), LogTailAsync(ct));

    private async Task OverviewLoopAsync(CancellationToken ct)
    {
        var last = DateTimeOffset.MinValue;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                // Computed once per interval for every client, and only while someone listens
                // (a new first client gets one at once).
                if (ui.Hub.Subscribers > 0 && DateTimeOffset.UtcNow - last >= ui.Options.OverviewInterval)
                {
                    last = DateTimeOffset.UtcNow;
                    var overview = await ui.OverviewAsync(ct);
                    PublishChanges(ui.LastRecent);
                    ui.Hub.Publish("overview", overview);
                }
                await Task.Delay(250, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception) { await Delay(ct); }
        }
    }

    /// <summary>Publishes an execution event for each status that is new or changed since the last listing.</summary>
    public void PublishChanges(IEnumerable<ExecutionInfo> executions)
    {
        lock (lastStatus)
        {
            foreach (var e in executions)
            {
                var known = lastStatus.TryGetValue(e.Id, out var before);
                lastStatus[e.Id] = e.Status;
                if (known && before == e.Status) continue;
                if (!known && !seeded) continue; // the first listing is history, not news
                ui.Hub.Publish("execution", new { id = e.Id, status = e.Status, previous = before, execution = ui.Views.Execution(e) });
            }
            seeded = true;
        }
    }

    private bool seeded;

    private async Task LogTailAsync(CancellationToken ct)
    {
        if (ui.LogFile is not { } file) return;
        LogFileTail.ReadLast(file, 0, out var end);
        var level = "info";
        try
        {
            await LogFileTail.FollowAsync(file, end, line =>
            {
                var parsed = WorkerLogSearch.Parse(line, level);
                level = parsed.Level;
                parsed.File = Path.GetFileName(file);
                ui.Hub.Publish("log", parsed);
            }, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    private static async Task Delay(CancellationToken ct)
    {
        try { await Task.Delay(1000, ct); } catch (OperationCanceledException) { }
    }
}
