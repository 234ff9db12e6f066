using Kubiya.Tests.Infrastructure;
using Temporalio.Worker;

namespace Kubiya.Tests.Conformance;

/// <summary>
/// A query sent before any worker ran the workflow is answered once one does. (A real Temporal
/// server may reject such a query instead; waiting is this server's friendlier choice.)
/// </summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class QueryBeforeFirstTaskTests(ServerFixture fx)
{
    [EmbeddedServerFact]
    public async Task QueryWaitsForTheFirstWorkflowTask()
    {
        var queue = ServerFixture.Unique("early-query");
        var handle = await fx.Client.StartWorkflowAsync((StickyDispatchTests.CounterWorkflow wf) => wf.RunAsync(1),
            new(ServerFixture.Unique("wf"), queue));
        var query = handle.QueryAsync(wf => wf.Count);
        await Task.Delay(500);
        Assert.False(query.IsCompleted, "no worker has run the workflow yet");
        using var worker = new TemporalWorker(fx.Client, new TemporalWorkerOptions(queue).AddWorkflow<StickyDispatchTests.CounterWorkflow>());
        await worker.ExecuteAsync(async () =>
        {
            Assert.Equal(0, await query.WaitAsync(TimeSpan.FromSeconds(60)));
            await handle.SignalAsync(wf => wf.AddAsync(4));
            Assert.Equal(4, await handle.GetResultAsync());
        });
    }
}
