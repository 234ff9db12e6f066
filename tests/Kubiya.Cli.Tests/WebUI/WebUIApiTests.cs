using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Kubiya.Cli.Tests.WebUI;

/// <summary>The JSON API on Kubiya's documented paths, in the CLI's JSON shapes, and its event streams.</summary>
[Collection(WebUICollection.Name)]
[Trait("Category", "WebUI")]
public sealed class WebUIApiTests(WebUIFixture fx)
{
    [Fact]
    public async Task KubiyaExecutionsPathFiltersByStatusAndAgentId()
    {
        var running = await fx.SubmitAsync("sleeper");
        await fx.WaitStatusAsync(running, "Running");
        var done = await fx.SubmitAsync("first");
        await fx.WaitStatusAsync(done, "Completed");
        try
        {
            var list = await fx.GetJsonAsync("/api/v1/executions?status=running&agent_id=sleeper");
            var ids = list.EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToList();
            Assert.Contains(running, ids);
            Assert.All(list.EnumerateArray(), e => Assert.Equal("Running", e.GetProperty("status").GetString()));
            Assert.All(list.EnumerateArray(), e => Assert.Equal("sleeper", e.GetProperty("agent").GetString()));
            var completed = await fx.GetJsonAsync("/api/v1/executions?status=completed&agent_id=first");
            Assert.Contains(done, completed.EnumerateArray().Select(e => e.GetProperty("id").GetString()));
            Assert.DoesNotContain(running, completed.EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        }
        finally
        {
            await fx.Env.RunAsync("execution", "cancel", running);
        }
    }

    [Fact]
    public async Task ExecutionHasTheSameFieldsAsTheCli()
    {
        var id = await fx.SubmitAsync("first");
        await fx.WaitStatusAsync(id, "Completed");
        var api = await fx.GetJsonAsync($"/api/v1/executions/{id}");
        var cli = (await fx.Env.RunAsync("execution", "get", id, "-o", "json")).Exit(0).Json;
        Assert.Equal(cli.EnumerateObject().Select(p => p.Name), api.EnumerateObject().Select(p => p.Name));
        Assert.Equal(cli.GetProperty("output").GetString(), api.GetProperty("output").GetString());
        Assert.Equal("Completed", api.GetProperty("status").GetString());
    }

    [Fact]
    public async Task ScriptCancelsThroughTheKubiyaPathWithABearerToken()
    {
        var id = await fx.SubmitAsync("sleeper");
        await fx.WaitStatusAsync(id, "Running");
        using var http = fx.Http();
        using var response = await http.PostAsync($"/api/v1/executions/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await fx.WaitStatusAsync(id, "Cancelled");
    }

    [Fact]
    public async Task LogsAreJsonOrAnEventStreamWhenAskedFor()
    {
        var id = await fx.SubmitAsync("lines");
        await fx.WaitStatusAsync(id, "Completed");
        var json = await fx.GetJsonAsync($"/api/v1/executions/{id}/logs");
        var kinds = json.EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Contains("Output", kinds);
        Assert.Equal("Completed", kinds[^1]);
        var cliLines = (await fx.Env.RunAsync("execution", "logs", id, "-o", "json")).Exit(0).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(cliLines.Length, json.GetArrayLength());

        var events = await ReadStreamAsync($"/api/v1/executions/{id}/logs", null, untilEvent: "end");
        var logs = events.Where(e => e.Type == "log").ToList();
        Assert.Equal(json.GetArrayLength(), logs.Count);
        Assert.Equal(Enumerable.Range(1, logs.Count).Select(i => (long?)i), logs.Select(e => e.Id));
        Assert.Equal("end", events[^1].Type);
        Assert.Equal("Completed", JsonDocument.Parse(events[^1].Data).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task LogStreamResumesAfterLastEventId()
    {
        var id = await fx.SubmitAsync("lines");
        await fx.WaitStatusAsync(id, "Completed");
        var all = (await ReadStreamAsync($"/api/v1/executions/{id}/logs", null, "end")).Where(e => e.Type == "log").ToList();
        var resumed = (await ReadStreamAsync($"/api/v1/executions/{id}/logs", "3", "end")).Where(e => e.Type == "log").ToList();
        Assert.Equal(all.Count - 3, resumed.Count);
        Assert.Equal(4, resumed[0].Id);
        Assert.Equal(all.Skip(3).Select(e => e.Data), resumed.Select(e => e.Data));
    }

    [Fact]
    public async Task EventStreamResumesWithTheEventsMissed()
    {
        // Connect once to learn the current id, then cause execution events while disconnected
        // (the page open in the browser keeps the feed running).
        var first = await ReadStreamAsync("/api/events", null, untilEvent: "overview");
        var seen = first.Last(e => e.Id != null).Id!.Value;
        var id = await fx.SubmitAsync("first");
        await fx.WaitStatusAsync(id, "Completed");
        await Task.Delay(TimeSpan.FromSeconds(6)); // at least one overview interval: the change is published
        var resumed = await ReadStreamAsync("/api/events", seen.ToString(System.Globalization.CultureInfo.InvariantCulture), untilEvent: "execution",
            match: e => e.Data.Contains(id) && e.Data.Contains("\"Completed\""), seconds: 30);
        var ids = resumed.Where(e => e.Id != null).Select(e => e.Id!.Value).ToList();
        Assert.All(ids, i => Assert.True(i > seen, $"event {i} was seen before the reconnect (last {seen})"));
        Assert.Equal(ids.OrderBy(i => i), ids);
        Assert.Equal(seen + 1, ids[0]); // nothing missed in between
        Assert.Contains(resumed, e => e.Type == "execution" && e.Data.Contains(id));
    }

    [Fact]
    public async Task EventStreamSendsAnOverviewAtOnce()
    {
        var events = await ReadStreamAsync("/api/events", null, untilEvent: "overview", seconds: 10);
        var overview = JsonDocument.Parse(events.Last().Data).RootElement;
        Assert.True(overview.GetProperty("server").GetProperty("reachable").GetBoolean());
        Assert.Equal(fx.Queue, overview.GetProperty("queue").GetString());
        Assert.Equal(fx.Worker.Id, overview.GetProperty("worker").GetProperty("pid").GetInt32());
    }

    [Fact]
    public async Task LimitAndSkipPageThroughTheNewestFirst()
    {
        var older = await fx.SubmitAsync("first");
        await fx.WaitStatusAsync(older, "Completed");
        var newer = await fx.SubmitAsync("first");
        await fx.WaitStatusAsync(newer, "Completed");
        var page1 = (await fx.GetJsonAsync("/api/v1/executions?agent_id=first&limit=1")).EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToList();
        var page2 = (await fx.GetJsonAsync("/api/v1/executions?agent_id=first&limit=1&skip=1")).EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToList();
        Assert.Equal(new[] { newer }, page1);
        Assert.Equal(new[] { older }, page2);
        using var http = fx.Http();
        using var bad = await http.GetAsync("/api/v1/executions?skip=-1");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("InvalidSkip", JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("errorId").GetString());
    }

    [Fact]
    public async Task TheLogsPageNeverServesTheUiToken()
    {
        // The worker logs its UI's address with the token; the Logs API serves that line with the token hidden.
        using (var log = new StreamReader(new FileStream(new Kubiya.Core.Workers.WorkerPaths(fx.Queue, fx.Home).LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete)))
            Assert.Contains(fx.Token, log.ReadToEnd());
        using var http = fx.Http();
        var body = await http.GetStringAsync("/api/logs?search=Web%20UI&limit=50");
        Assert.DoesNotContain(fx.Token, body);
        Assert.Contains("?token=(hidden)", body);
    }

    [Fact]
    public async Task BadFiltersAreClearErrors()
    {
        using var http = fx.Http();
        using var response = await http.GetAsync("/api/v1/executions?status=sleeping");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("InvalidStatus", body.GetProperty("errorId").GetString());
        Assert.Contains("'sleeping' is not a status", body.GetProperty("error").GetString());
        using var missing = await http.GetAsync("/api/v1/executions/exec-0000000000000000");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task LogSearchReachesRotatedFiles()
    {
        var logs = Path.Combine(fx.Home, "workers", fx.Queue, "logs");
        var marker = "rotated-marker-" + Guid.NewGuid().ToString("N")[..8];
        File.WriteAllText(Path.Combine(logs, "worker.log.1"), $"2026-01-01 10:00:00.000 warn Worker: {marker} from the old file\n2026-01-01 10:00:01.000 info Worker: {marker} info line\n");
        try
        {
            var found = await fx.GetJsonAsync($"/api/logs?search={marker}&level=warn");
            var lines = found.GetProperty("lines").EnumerateArray().ToList();
            Assert.Single(lines);
            Assert.Equal("worker.log.1", lines[0].GetProperty("file").GetString());
            Assert.Equal("warn", lines[0].GetProperty("level").GetString());
            Assert.Contains("worker.log.1", found.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
        }
        finally { File.Delete(Path.Combine(logs, "worker.log.1")); }
    }

    internal sealed record Sse(long? Id, string Type, string Data);

    /// <summary>Reads an event stream until an event of <paramref name="untilEvent"/> (matching) arrives.</summary>
    private async Task<List<Sse>> ReadStreamAsync(string path, string? lastEventId, string untilEvent, Func<Sse, bool>? match = null, double seconds = 60)
    {
        using var http = fx.Http();
        http.Timeout = Timeout.InfiniteTimeSpan;
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId != null) request.Headers.Add("Last-Event-ID", lastEventId);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/event-stream", response.Content.Headers.ContentType!.ToString());
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token), Encoding.UTF8);
        var events = new List<Sse>();
        long? id = null;
        string? type = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (type != null)
                {
                    var e = new Sse(id, type, data.ToString());
                    events.Add(e);
                    if (type == untilEvent && (match == null || match(e))) return events;
                }
                id = null; type = null; data.Clear();
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal)) id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            else if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data.Append(data.Length > 0 ? "\n" : "").Append(line[6..]);
        }
        return events;
    }
}
