using Kubiya.Tests.Infrastructure;
using Temporalio.Activities;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance;

/// <summary>
/// Workflow tasks started for a poll that already waits: the transition that schedules the task
/// also starts it for that poll. The worker must see an ordinary history (Scheduled, then Started
/// naming the worker that polled), every task must run once, and the result must arrive.
/// </summary>
[Trait("Category", "Conformance")]
public sealed class SyncStartTests
{
    [Activity("sync-start-echo")]
    public static string Echo(string s) => s;

    [Workflow("SyncStartChain")]
    public sealed class ChainWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(int n)
        {
            var last = "";
            for (var i = 0; i < n; i++)
                last = await Workflow.ExecuteActivityAsync(() => Echo($"a{i}"), new() { StartToCloseTimeout = TimeSpan.FromSeconds(30) });
            return last;
        }
    }

    [Fact]
    public async Task TasksStartedForWaitingPollsRunOnceWithAnOrdinaryHistory()
    {
        await using var server = new ServerProcess(null, "--log-level", "Debug");
        await server.StartAsync();
        var client = await server.ConnectAsync();
        var queue = "sync-start-" + Guid.NewGuid().ToString("N")[..8];
        var identity = "sync-start-worker-" + Guid.NewGuid().ToString("N")[..6];
        using var worker = new TemporalWorker(client, new TemporalWorkerOptions(queue) { Identity = identity }
            .AddWorkflow<ChainWorkflow>().AddActivity(Echo));
        await worker.ExecuteAsync(async () =>
        {
            // The worker's workflow poll waits on the queue before the run starts.
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (true)
            {
                var described = await client.Connection.WorkflowService.DescribeTaskQueueAsync(new DescribeTaskQueueRequest
                {
                    Namespace = "default",
                    TaskQueue = new() { Name = queue },
                    TaskQueueType = TaskQueueType.Workflow,
                });
                if (described.Pollers.Any(p => p.Identity == identity)) break;
                Assert.True(DateTime.UtcNow < until, "the worker never polled the workflow queue");
                await Task.Delay(50);
            }
            var handle = await client.StartWorkflowAsync((ChainWorkflow wf) => wf.RunAsync(3), new("sync-start-wf-" + Guid.NewGuid().ToString("N")[..8], queue));
            Assert.Equal("a2", await handle.GetResultAsync().WaitAsync(TimeSpan.FromSeconds(60)));
            var events = (await handle.FetchHistoryAsync()).Events.ToList();
            for (var i = 0; i < events.Count; i++) Assert.Equal(i + 1, events[i].EventId);
            var started = events.Where(ev => ev.EventType == EventType.WorkflowTaskStarted).ToList();
            Assert.Equal(4, started.Count); // the first task and one after each activity
            Assert.All(started, ev =>
            {
                Assert.Equal(identity, ev.WorkflowTaskStartedEventAttributes.Identity);
                // Started right after its own Scheduled event.
                var scheduled = events[(int)ev.EventId - 2];
                Assert.Equal(EventType.WorkflowTaskScheduled, scheduled.EventType);
                Assert.Equal(scheduled.EventId, ev.WorkflowTaskStartedEventAttributes.ScheduledEventId);
            });
            Assert.Equal(4, events.Count(ev => ev.EventType == EventType.WorkflowTaskCompleted));
            Assert.Equal(3, events.Count(ev => ev.EventType == EventType.ActivityTaskCompleted));
        });
        // The first task at least found the worker's poll waiting (later ones usually do too).
        Assert.Contains(server.Output, l => l.Contains("started for the waiting poll of " + identity, StringComparison.Ordinal));
    }
}
