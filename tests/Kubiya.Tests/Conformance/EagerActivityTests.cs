using Kubiya.Tests.Infrastructure;
using Temporalio.Activities;
using Temporalio.Api.Enums.V1;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance;

/// <summary>
/// Eager activity dispatch: an activity the completing worker asks to run itself starts in the
/// workflow task's own transition and reaches that worker in the answer; runs exactly once either way.
/// </summary>
[Trait("Category", "Conformance")]
public sealed class EagerActivityTests
{
    public sealed class Counter
    {
        private int calls;
        public int Calls => calls;

        [Activity("eager-count")]
        public string Count(string tag) => $"{tag}:{Interlocked.Increment(ref calls)}";
    }

    [Workflow("EagerChain")]
    public sealed class ChainWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(int n)
        {
            var last = "";
            for (var i = 0; i < n; i++)
                last = await Workflow.ExecuteActivityAsync((Counter c) => c.Count($"a{i}"), new() { StartToCloseTimeout = TimeSpan.FromSeconds(30) });
            return last;
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ActivitiesRunOnceAndStartEagerlyUnlessTurnedOff(bool eager)
    {
        var args = eager ? new[] { "--log-level", "Debug" } : new[] { "--log-level", "Debug", "--no-eager-activities" };
        await using var server = new ServerProcess(null, args);
        await server.StartAsync();
        var client = await server.ConnectAsync();
        var counter = new Counter();
        var queue = "eager-" + Guid.NewGuid().ToString("N")[..8];
        using var worker = new TemporalWorker(client, new TemporalWorkerOptions(queue).AddWorkflow<ChainWorkflow>().AddAllActivities(counter));
        await worker.ExecuteAsync(async () =>
        {
            var handle = await client.StartWorkflowAsync((ChainWorkflow wf) => wf.RunAsync(5), new("eager-wf-" + Guid.NewGuid().ToString("N")[..8], queue));
            Assert.Equal("a4:5", await handle.GetResultAsync());
            Assert.Equal(5, counter.Calls);
            var history = await handle.FetchHistoryAsync();
            var started = history.Events.Where(ev => ev.EventType == EventType.ActivityTaskStarted).ToList();
            Assert.Equal(5, started.Count);
            Assert.All(started, ev => Assert.Equal(1, ev.ActivityTaskStartedEventAttributes.Attempt));
            Assert.Equal(5, history.Events.Count(ev => ev.EventType == EventType.ActivityTaskCompleted));
        });
        var eagerLines = server.Output.Count(l => l.Contains("started eagerly by", StringComparison.Ordinal));
        if (eager) Assert.Equal(5, eagerLines);
        else Assert.Equal(0, eagerLines);
    }
}
