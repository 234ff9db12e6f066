using Kubiya.Tests.Infrastructure;
using Temporalio.Activities;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance;

/// <summary>Histories too long or too large for one page or one message still reach clients and workers whole.</summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class LargeHistoryTests(ServerFixture fx) : ConformanceTest(fx)
{
    public sealed class BulkyActivities
    {
        [Activity]
        public string Megabyte(int index) => index + new string('m', 1024 * 1024);
    }

    /// <summary>Counts signals until it has the expected number.</summary>
    [Workflow]
    public sealed class SignalCounterWorkflow
    {
        private int count;

        [WorkflowRun]
        public async Task<int> RunAsync(int expected)
        {
            await Workflow.WaitConditionAsync(() => count >= expected);
            return count;
        }

        [WorkflowSignal]
        public Task TickAsync()
        {
            count++;
            return Task.CompletedTask;
        }
    }

    /// <summary>Collects several one-megabyte activity results, so its history outgrows a default gRPC message.</summary>
    [Workflow]
    public sealed class BulkyWorkflow
    {
        [WorkflowRun]
        public async Task<int> RunAsync(int count)
        {
            var total = 0;
            for (var i = 0; i < count; i++)
                total += (await Workflow.ExecuteActivityAsync((BulkyActivities a) => a.Megabyte(i), new() { StartToCloseTimeout = TimeSpan.FromSeconds(30) })).Length;
            return total;
        }
    }

    private static TemporalWorkerOptions Options(string queue) => new TemporalWorkerOptions(queue)
        .AddWorkflow<SignalCounterWorkflow>().AddWorkflow<BulkyWorkflow>().AddAllActivities(new BulkyActivities());

    [Fact]
    public async Task HistoryLongerThanOnePageIsFetchedWhole()
    {
        const int signals = 1500;
        var queue = Id("long");
        var h = await Client.StartWorkflowAsync((SignalCounterWorkflow wf) => wf.RunAsync(signals), new(Id("long"), queue));
        // Sent before any worker runs, so the first workflow task already replays a long history.
        await Task.WhenAll(Enumerable.Range(0, signals).Chunk(100).Select(async chunk =>
        {
            foreach (var _ in chunk) await h.SignalAsync(wf => wf.TickAsync());
        }));
        var result = await WithWorkerAsync(Options(queue), () => h.GetResultAsync());
        Assert.Equal(signals, result);
        var events = await HistoryAsync(h);
        Assert.Equal(signals, events.Count(e => e.EventType == EventType.WorkflowExecutionSignaled));
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.EventId));
        Assert.Equal(events.Count, (await h.DescribeAsync()).HistoryLength);
    }

    [Fact]
    public async Task HistoryLargerThanAGrpcMessageReachesTheWorker()
    {
        const int megabytes = 6;
        var queue = Id("bulky");
        var result = await WithWorkerAsync(Options(queue), () =>
            Client.ExecuteWorkflowAsync((BulkyWorkflow wf) => wf.RunAsync(megabytes), new(Id("bulky"), queue)));
        Assert.Equal(Enumerable.Range(0, megabytes).Sum(i => i.ToString().Length + 1024 * 1024), result);
    }
}
