using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Worker;

namespace Kubiya.Tests.Conformance.StandaloneActivities;

/// <summary>
/// kill -9 of Kubiya.Server with standalone activities queued, running and closed: after a
/// restart on the same database each finishes or reads back as if nothing had happened.
/// </summary>
[Trait("Category", "Conformance")]
public sealed class StandaloneActivityRestartTests : IAsyncLifetime
{
    private readonly ServerProcess server = new();

    public Task InitializeAsync() => server.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [EmbeddedServerFact]
    public async Task ActivitiesSurviveKillNine()
    {
        var client = await server.ConnectAsync();
        var queue = ServerFixture.Unique("sa-restart");
        var opts = (string id) => new StartActivityOptions(id, queue) { StartToCloseTimeout = TimeSpan.FromSeconds(60) };
        var done = await client.StartActivityAsync("Greet", new object?[] { "before" }, opts(ServerFixture.Unique("sa-restart-done")));
        var jobs = new StandaloneJobs();
        var blockOptions = opts(ServerFixture.Unique("sa-restart-running"));
        blockOptions.HeartbeatTimeout = TimeSpan.FromSeconds(5);
        var running = await client.StartActivityAsync("Block", Array.Empty<object?>(), blockOptions);
        using (var worker = new TemporalWorker(client, new TemporalWorkerOptions(queue).AddAllActivities(jobs)))
        {
            await worker.ExecuteAsync(async () =>
            {
                Assert.Equal("Hello, before", await done.GetResultAsync<string>().WaitAsync(TimeSpan.FromSeconds(60)));
                await jobs.Running.Task.WaitAsync(TimeSpan.FromSeconds(60));
            });
        }
        // Queued while no worker polls: it waits in the database across the kill.
        var queued = await client.StartActivityAsync("Greet", new object?[] { "after" }, opts(ServerFixture.Unique("sa-restart-queued")));

        server.Kill();
        await server.StartAsync(server.Port);

        var again = await server.ConnectAsync();
        Assert.Equal(ActivityExecutionStatus.Completed, (await again.GetActivityHandle(done.Id, done.RunId).DescribeAsync()).Status);
        Assert.Equal(3, (await again.CountActivitiesAsync($"ActivityTaskQueue = '{queue}'")).Count);
        var after = new StandaloneJobs();
        using var worker2 = new TemporalWorker(again, new TemporalWorkerOptions(queue).AddAllActivities(after));
        await worker2.ExecuteAsync(async () =>
        {
            Assert.Equal("Hello, after", await again.GetActivityHandle(queued.Id, queued.RunId).GetResultAsync<string>().WaitAsync(TimeSpan.FromSeconds(90)));
            // The attempt that was running when the server died is retried once its heartbeat lapses.
            await after.Running.Task.WaitAsync(TimeSpan.FromSeconds(90));
            after.Release.TrySetResult("finished after restart");
            Assert.Equal("finished after restart", await again.GetActivityHandle(running.Id, running.RunId).GetResultAsync<string>().WaitAsync(TimeSpan.FromSeconds(90)));
        });
        var d = await again.GetActivityHandle(running.Id, running.RunId).DescribeAsync();
        Assert.Equal(ActivityExecutionStatus.Completed, d.Status);
        Assert.True(d.Attempt >= 2, $"the interrupted attempt should have been retried; attempt {d.Attempt}");
    }
}
