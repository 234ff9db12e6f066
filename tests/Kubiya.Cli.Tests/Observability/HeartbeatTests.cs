using System.Text.Json;
using System.Text.RegularExpressions;
using Kubiya.Cli.Tests.Infrastructure;

namespace Kubiya.Cli.Tests.Observability;

/// <summary>
/// Health heartbeats live on Temporal: a worker's record is readable by any client of the
/// namespace (here another kubiya process), a killed worker turns Lost after 3 intervals, and a
/// stopped one leaves the list.
/// </summary>
[Collection(ObservabilityCollection.Name)]
[Trait("Category", "Observability")]
public sealed class HeartbeatTests(ObservabilityFixture fx)
{
    private async Task<List<JsonElement>> HeartbeatsAsync(string queue)
    {
        var list = (await fx.Env.RunAsync("worker", "list", "--queue-id", queue, "-o", "json")).Exit(0).Json;
        return list.EnumerateArray().Where(e => e.TryGetProperty("source", out var s) && s.GetString() == "heartbeat").ToList();
    }

    [Fact]
    public async Task TwoWorkerProcessesAreListedWithTheirHealthAndAKilledOneTurnsLost()
    {
        var queue = CliFixture.Unique("hb");
        using var a = await ObservabilityFixture.StartWorkerAsync(fx.WorkerEnv("host-a"), queue);
        using var b = await ObservabilityFixture.StartWorkerAsync(fx.WorkerEnv("host-b"), queue);
        await ObservabilityFixture.EventuallyAsync(async () => (await HeartbeatsAsync(queue)).Count == 2, "two heartbeats", TimeSpan.FromSeconds(30));
        var rows = await HeartbeatsAsync(queue);
        var byHost = rows.ToDictionary(r => r.GetProperty("host").GetString()!);
        Assert.Equal(new[] { "host-a", "host-b" }, byHost.Keys.OrderBy(k => k));
        Assert.Equal(a.Id, byHost["host-a"].GetProperty("pid").GetInt32());
        Assert.Equal(b.Id, byHost["host-b"].GetProperty("pid").GetInt32());
        foreach (var r in rows)
        {
            Assert.Equal("running", r.GetProperty("state").GetString());
            Assert.Equal(queue, r.GetProperty("queueId").GetString());
            Assert.Equal("0.1.0", r.GetProperty("version").GetString());
            Assert.True(r.GetProperty("memoryMb").GetDouble() > 10, r.ToString());
            Assert.True(r.GetProperty("cpuPercent").GetDouble() >= 0);
            Assert.True(r.GetProperty("uptimeSeconds").GetDouble() >= 0);
            Assert.Equal(0, r.GetProperty("activeTasks").GetInt32());
            Assert.StartsWith($"{r.GetProperty("pid").GetInt32()}@{r.GetProperty("host").GetString()}/", r.GetProperty("identity").GetString());
        }

        b.Signal("KILL");
        await b.WaitForExitAsync();
        // Lost after 3 silent intervals (3 s here); the live worker stays running meanwhile.
        await ObservabilityFixture.EventuallyAsync(async () =>
        {
            var now = await HeartbeatsAsync(queue);
            return now.Any(r => r.GetProperty("host").GetString() == "host-b" && r.GetProperty("state").GetString() == "lost");
        }, "host-b lost", TimeSpan.FromSeconds(30));
        var after = await HeartbeatsAsync(queue);
        Assert.Equal("running", after.Single(r => r.GetProperty("host").GetString() == "host-a").GetProperty("state").GetString());

        var text = (await fx.Env.RunAsync("worker", "list", "--queue-id", queue)).Exit(0).Stdout;
        Assert.Matches(new Regex(@"host-b\s+\d+|lost"), text);
        Assert.Contains("LAST HEARTBEAT", text);

        // A graceful stop closes the record: the worker leaves the list.
        a.Signal("TERM");
        (await a.WaitForExitAsync()).Exit(0);
        Assert.DoesNotContain(await HeartbeatsAsync(queue), r => r.GetProperty("host").GetString() == "host-a");
    }

    [Fact]
    public async Task EachIntervalTheLogCarriesTheMetricsLineAndCountsFinishedTasks()
    {
        var queue = CliFixture.Unique("hb");
        using var w = await ObservabilityFixture.StartWorkerAsync(fx.WorkerEnv("host-log"), queue);
        var first = await w.WaitForLineAsync(l => l.Contains("Metrics: "));
        Assert.Matches(new Regex(@"Metrics: tasks_completed=0, avg_duration=0\.0s, memory_mb=\d+$"), first);
        (await fx.Env.RunAsync("exec", "agent", "shell", "sleep 0.3; echo counted", "--queue", queue, "-o", "json")).Exit(0);
        var later = await w.WaitForLineAsync(l => Regex.IsMatch(l, @"Metrics: tasks_completed=[1-9]"), TimeSpan.FromSeconds(30));
        var avg = double.Parse(Regex.Match(later, @"avg_duration=([0-9.]+)s").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(avg >= 0.1, later);
        var row = (await HeartbeatsAsync(queue)).Single();
        Assert.True(row.GetProperty("completedTasks").GetInt64() >= 1, row.ToString());
        Assert.Equal(0, row.GetProperty("failedTasks").GetInt64());
        w.Signal("TERM");
        (await w.WaitForExitAsync()).Exit(0);
    }

    [Fact]
    public async Task AHeartbeatIntervalOutsideTheDocumentedRangeIsRefused()
    {
        foreach (var bad in new[] { "5", "301", "abc" })
        {
            var r = (await fx.Env.With("HEARTBEAT_INTERVAL", bad).RunAsync("worker", "start", "--queue-id", CliFixture.Unique("hb"))).Exit(2);
            Assert.Contains("HEARTBEAT_INTERVAL", r.Stderr);
            Assert.DoesNotContain("Exception", r.Stderr);
        }
    }
}
