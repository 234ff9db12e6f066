using Kubiya.Tests.Infrastructure;
using Temporalio.Activities;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance;

/// <summary>
/// kill -9 of Kubiya.Server while a workflow waits on a start delay, a timer and an activity retry
/// backoff: after a restart on the same database the real worker finishes it as if nothing happened.
/// Uses its own server process, so it cannot share the collection fixture.
/// </summary>
[Trait("Category", "Conformance")]
public sealed class ServerRestartTests : IAsyncLifetime
{
    private readonly ServerProcess server = new();

    public sealed class RecoveringActivities
    {
        [Activity]
        public string FailOnce()
        {
            var attempt = ActivityExecutionContext.Current.Info.Attempt;
            if (attempt == 1) throw new InvalidOperationException("first attempt fails");
            return $"activity succeeded on attempt {attempt}";
        }
    }

    [Workflow]
    public sealed class RecoveringWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync()
        {
            await Workflow.DelayAsync(TimeSpan.FromSeconds(1));
            return await Workflow.ExecuteActivityAsync((RecoveringActivities a) => a.FailOnce(), new()
            {
                StartToCloseTimeout = TimeSpan.FromSeconds(30),
                RetryPolicy = new() { InitialInterval = TimeSpan.FromSeconds(3) },
            });
        }
    }

    public Task InitializeAsync() => server.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    private async Task RestartAsync()
    {
        server.Kill();
        await server.StartAsync(server.Port);
    }

    [EmbeddedServerFact]
    public async Task KillNineDuringDelaysAndBackoffsLosesNothing()
    {
        var client = await server.ConnectAsync();
        var queue = ServerFixture.Unique("restart");
        var handle = await client.StartWorkflowAsync((RecoveringWorkflow wf) => wf.RunAsync(),
            new(ServerFixture.Unique("restart"), queue) { StartDelay = TimeSpan.FromSeconds(1) });
        await RestartAsync(); // during the start delay

        using var worker = new TemporalWorker(client, new TemporalWorkerOptions(queue)
            .AddWorkflow<RecoveringWorkflow>().AddAllActivities(new RecoveringActivities()));
        var result = await worker.ExecuteAsync(async () =>
        {
            // Wait until the activity's first attempt has failed and its retry is backing off.
            async Task<int> PendingAttempt()
            {
                var d = await client.Connection.WorkflowService.DescribeWorkflowExecutionAsync(new()
                {
                    Namespace = client.Options.Namespace,
                    Execution = new() { WorkflowId = handle.Id },
                });
                return d.PendingActivities.Count > 0 ? d.PendingActivities[0].Attempt : 0;
            }
            var until = DateTime.UtcNow.AddSeconds(60);
            while (await PendingAttempt() < 2)
            {
                Assert.True(DateTime.UtcNow < until, "the activity never reached its retry backoff");
                await Task.Delay(100);
            }
            await RestartAsync(); // during the activity's retry backoff
            return await handle.GetResultAsync().WaitAsync(TimeSpan.FromSeconds(90));
        });

        Assert.Equal("activity succeeded on attempt 2", result);
        var events = (await handle.FetchHistoryAsync()).Events.ToList();
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.EventId));
        Assert.Equal(EventType.WorkflowExecutionCompleted, events[^1].EventType);
        Assert.Single(events, e => e.EventType == EventType.TimerFired);
    }
}
