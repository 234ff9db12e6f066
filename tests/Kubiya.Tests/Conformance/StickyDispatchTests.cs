using Kubiya.Tests.Infrastructure;
using Temporalio.Client;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance;

/// <summary>
/// Workers continue runs from their cache when the server sends new events only, and a run
/// whose worker went away continues on another worker.
/// </summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class StickyDispatchTests(ServerFixture fx)
{
    [Workflow("StickyCounter")]
    public sealed class CounterWorkflow
    {
        private readonly List<int> seen = new();

        [WorkflowRun]
        public async Task<int> RunAsync(int expected)
        {
            await Workflow.WaitConditionAsync(() => seen.Count >= expected);
            return seen.Sum();
        }

        [WorkflowSignal]
        public Task AddAsync(int n)
        {
            seen.Add(n);
            return Task.CompletedTask;
        }

        [WorkflowQuery]
        public int Count => seen.Count;
    }

    [Fact]
    public async Task ManySequentialTasksOnOneWorkerKeepFullState()
    {
        var queue = ServerFixture.Unique("sticky");
        using var worker = new TemporalWorker(fx.Client, new TemporalWorkerOptions(queue).AddWorkflow<CounterWorkflow>());
        await worker.ExecuteAsync(async () =>
        {
            var handle = await fx.Client.StartWorkflowAsync((CounterWorkflow wf) => wf.RunAsync(60), new(ServerFixture.Unique("wf"), queue));
            for (var i = 1; i <= 60; i++)
            {
                await handle.SignalAsync(wf => wf.AddAsync(i));
                if (i % 20 == 0) Assert.Equal(i, await handle.QueryAsync(wf => wf.Count));
            }
            Assert.Equal(60 * 61 / 2, await handle.GetResultAsync());
        });
    }

    [Fact]
    public async Task RunContinuesOnAnotherWorkerAfterItsWorkerShutsDown()
    {
        var queue = ServerFixture.Unique("sticky-handoff");
        var id = ServerFixture.Unique("wf");
        WorkflowHandle<CounterWorkflow, int>? handle = null;
        using (var first = new TemporalWorker(fx.Client, new TemporalWorkerOptions(queue).AddWorkflow<CounterWorkflow>()))
        {
            await first.ExecuteAsync(async () =>
            {
                handle = await fx.Client.StartWorkflowAsync((CounterWorkflow wf) => wf.RunAsync(2), new(id, queue));
                await handle.SignalAsync(wf => wf.AddAsync(5));
                Assert.Equal(1, await handle.QueryAsync(wf => wf.Count));
            });
        }
        using var second = new TemporalWorker(fx.Client, new TemporalWorkerOptions(queue).AddWorkflow<CounterWorkflow>());
        await second.ExecuteAsync(async () =>
        {
            await handle!.SignalAsync(wf => wf.AddAsync(7));
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            Assert.Equal(12, await handle.GetResultAsync(rpcOptions: new() { CancellationToken = cts.Token }));
        });
    }
}
