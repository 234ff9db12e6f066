using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Exceptions;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance;

/// <summary>Continue-as-new: one workflow id, a chain of runs, results followed to the last one.</summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class ContinueAsNewTests(ServerFixture fx) : ConformanceTest(fx)
{
    [Workflow]
    public sealed class CountingWorkflow
    {
        [WorkflowRun]
        public Task<string> RunAsync(int iteration, int last)
        {
            if (iteration < last)
                throw Workflow.CreateContinueAsNewException((CountingWorkflow wf) => wf.RunAsync(iteration + 1, last));
            return Task.FromResult($"finished at {iteration}, continued from {Workflow.Info.ContinuedRunId != null}");
        }
    }

    private static TemporalWorkerOptions Options(string queue) => new TemporalWorkerOptions(queue).AddWorkflow<CountingWorkflow>();

    [Fact]
    public async Task GetResultFollowsTheChainOfRuns()
    {
        var queue = Id("can");
        var result = await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((CountingWorkflow wf) => wf.RunAsync(1, 3), new(Id("count"), queue));
            return await h.GetResultAsync();
        });
        Assert.Equal("finished at 3, continued from True", result);
    }

    [Fact]
    public async Task EachRunHasItsOwnRunIdAndTheFirstRunIdIsShared()
    {
        var queue = Id("can");
        var id = Id("count");
        var first = await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((CountingWorkflow wf) => wf.RunAsync(1, 2), new(id, queue));
            await h.GetResultAsync();
            return h;
        });
        var latest = await Client.GetWorkflowHandle(id).DescribeAsync();
        Assert.NotEqual(first.ResultRunId, latest.RunId);
        Assert.Equal(WorkflowExecutionStatus.Completed, latest.Status);
        Assert.Equal(first.ResultRunId, (await DescribeRawAsync(id)).WorkflowExecutionInfo.FirstRunId);

        var firstRun = Client.GetWorkflowHandle(id, runId: first.ResultRunId);
        Assert.Equal(WorkflowExecutionStatus.ContinuedAsNew, (await firstRun.DescribeAsync()).Status);
        var closing = (await HistoryAsync(firstRun))[^1];
        Assert.Equal(EventType.WorkflowExecutionContinuedAsNew, closing.EventType);
        Assert.Equal(latest.RunId, closing.WorkflowExecutionContinuedAsNewEventAttributes.NewExecutionRunId);

        var secondStarted = (await HistoryAsync(Client.GetWorkflowHandle(id, runId: latest.RunId)))[0].WorkflowExecutionStartedEventAttributes;
        Assert.Equal(first.ResultRunId, secondStarted.ContinuedExecutionRunId);
        Assert.Equal(first.ResultRunId, secondStarted.FirstExecutionRunId);
    }

    [Fact]
    public async Task GetResultWithoutFollowingRunsReportsTheContinuation()
    {
        var queue = Id("can");
        var id = Id("count");
        var ex = await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((CountingWorkflow wf) => wf.RunAsync(1, 2), new(id, queue));
            await h.GetResultAsync();
            return await Assert.ThrowsAsync<WorkflowContinuedAsNewException>(() => h.GetResultAsync(followRuns: false));
        });
        Assert.Equal((await Client.GetWorkflowHandle(id).DescribeAsync()).RunId, ex.NewRunId);
    }
}
