using Kubiya.Tests.Infrastructure;
using Temporalio.Client;
using Temporalio.Client.Schedules;

namespace Kubiya.Tests.Conformance.Schedules;

/// <summary>
/// kill -9 of the server across fire times: on restart, a time missed by less than the catch-up
/// window runs once, a time missed by more is counted as missed and does not run. Uses its own
/// server process.
/// </summary>
[Trait("Category", "Conformance")]
public sealed class ScheduleRestartTests : IAsyncLifetime
{
    private readonly ServerProcess server = new();

    public Task InitializeAsync() => server.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    /// <summary>An hourly interval whose one fire time in the next hour is <paramref name="at"/>.</summary>
    private static ScheduleSpec FiresOnceAt(DateTime at)
    {
        var hour = TimeSpan.FromHours(1);
        var offset = TimeSpan.FromSeconds(Math.Floor((at - DateTime.UnixEpoch).TotalSeconds % hour.TotalSeconds));
        return new() { Intervals = new List<ScheduleIntervalSpec> { new(hour, offset) } };
    }

    [EmbeddedServerFact]
    public async Task AMissedFireTimeRunsOnceOnRestartWhenInsideTheCatchupWindow()
    {
        var client = await server.ConnectAsync();
        Schedule Make(string id, DateTime at, TimeSpan window) => new(
            ScheduleActionStartWorkflow.Create((ScheduleTestBase.WaitForeverWorkflow wf) => wf.RunAsync(), new("wf-" + id, "q-nobody")),
            FiresOnceAt(at)) { Policy = new() { CatchupWindow = window } };
        string missedId = "", caughtId = "";
        DateTime early = default, late = default;
        // The early time must still be ahead when the server dies, or it would fire before the
        // restart and prove nothing: on a slow machine, start over with a longer lead.
        foreach (var lead in new[] { 3, 8, 20 })
        {
            var t0 = DateTime.UtcNow;
            early = t0.AddSeconds(lead);      // missed by 13 s and more: outside its 10 s catch-up window
            late = early.AddSeconds(13);      // missed by the restart's few seconds: well inside its 2 min window
            missedId = ServerFixture.Unique("restart-missed");
            caughtId = ServerFixture.Unique("restart-caught");
            var missed = await client.CreateScheduleAsync(missedId, Make(missedId, early, TimeSpan.FromSeconds(10)));
            var caught = await client.CreateScheduleAsync(caughtId, Make(caughtId, late, TimeSpan.FromMinutes(2)));
            Assert.Equal(late.AddTicks(-(late.Ticks % TimeSpan.TicksPerSecond)), (await caught.DescribeAsync()).Info.NextActionTimes.First());
            if (DateTime.UtcNow < early.AddSeconds(-1)) break;
            await missed.DeleteAsync();
            await caught.DeleteAsync();
            Assert.NotEqual(20, lead);
        }

        server.Kill();
        var wait = late.AddSeconds(0.3) - DateTime.UtcNow;
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        await server.StartAsync(server.Port);
        client = await server.ConnectAsync();

        var d = await client.GetScheduleHandle(caughtId).DescribeAsync();
        var until = DateTime.UtcNow.AddSeconds(20);
        while (d.Info.NumActions == 0 && DateTime.UtcNow < until)
        {
            await Task.Delay(100);
            d = await client.GetScheduleHandle(caughtId).DescribeAsync();
        }
        Assert.Equal(1, d.Info.NumActions);
        var run = Assert.Single(d.Info.RunningActions);
        Assert.EndsWith(late.ToString("yyyy-MM-ddTHH:mm:ssZ"), run.WorkflowId);
        Assert.Equal(0, d.Info.NumActionsMissedCatchupWindow);

        var m = await client.GetScheduleHandle(missedId).DescribeAsync();
        Assert.Equal(0, m.Info.NumActions);
        Assert.Equal(1, m.Info.NumActionsMissedCatchupWindow);

        // Once: a second restart does not run it again.
        server.Kill();
        await server.StartAsync(server.Port);
        client = await server.ConnectAsync();
        await Task.Delay(1000);
        d = await client.GetScheduleHandle(caughtId).DescribeAsync();
        Assert.Equal(1, d.Info.NumActions);
        Assert.Equal(run.WorkflowId, Assert.Single(d.Info.RunningActions).WorkflowId);
    }
}
