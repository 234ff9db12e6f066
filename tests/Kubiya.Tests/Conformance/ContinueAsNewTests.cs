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

    /// <summary>Continues as new forever, a second apart.</summary>
    [Workflow]
    public sealed class EndlessWorkflow
    {
        [WorkflowRun]
        public async Task RunAsync()
        {
            await Workflow.DelayAsync(TimeSpan.FromSeconds(1));
            throw Workflow.CreateContinueAsNewException((EndlessWorkflow wf) => wf.RunAsync());
        }
    }

    [Workflow]
    public sealed class IdleChildWorkflow
    {
        [WorkflowRun]
        public Task RunAsync() => Workflow.WaitConditionAsync(() => false);
    }

    /// <summary>First run starts a child (parent-close policy Terminate) and continues as new; the second run finishes.</summary>
    [Workflow]
    public sealed class ParentThatContinuesWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(string childId, bool continued)
        {
            if (continued) return "second run";
            await Workflow.StartChildWorkflowAsync((IdleChildWorkflow c) => c.RunAsync(),
                new() { Id = childId, ParentClosePolicy = Temporalio.Workflows.ParentClosePolicy.Terminate });
            throw Workflow.CreateContinueAsNewException((ParentThatContinuesWorkflow wf) => wf.RunAsync(childId, true));
        }
    }

    private static TemporalWorkerOptions Options(string queue) => new TemporalWorkerOptions(queue)
        .AddWorkflow<CountingWorkflow>().AddWorkflow<IdleChildWorkflow>().AddWorkflow<ParentThatContinuesWorkflow>()
        .AddWorkflow<EndlessWorkflow>();

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
    public async Task ContinueAsNewClosesTheRunSoItsParentClosePoliciesApply()
    {
        var queue = Id("can");
        var childId = Id("child");
        var result = await WithWorkerAsync(Options(queue), async () =>
        {
            var r = await Client.ExecuteWorkflowAsync((ParentThatContinuesWorkflow wf) => wf.RunAsync(childId, false), new(Id("parent"), queue));
            await EventuallyAsync(async () => (await Client.GetWorkflowHandle(childId).DescribeAsync()).Status,
                s => s != WorkflowExecutionStatus.Running, "the child to be closed");
            return r;
        });
        Assert.Equal("second run", result);
        Assert.Equal(WorkflowExecutionStatus.Terminated, (await Client.GetWorkflowHandle(childId).DescribeAsync()).Status);
    }

    [Fact]
    public async Task ExecutionTimeoutSpansTheWholeChainOfRuns()
    {
        var queue = Id("can");
        var id = Id("endless");
        var ex = await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((EndlessWorkflow wf) => wf.RunAsync(), new(id, queue) { ExecutionTimeout = TimeSpan.FromSeconds(4) });
            return await Assert.ThrowsAsync<WorkflowFailedException>(() => h.GetResultAsync());
        });
        Assert.IsType<TimeoutFailureException>(ex.InnerException);
        var last = await Client.GetWorkflowHandle(id).DescribeAsync();
        Assert.Equal(WorkflowExecutionStatus.TimedOut, last.Status);
        Assert.NotEqual(last.RunId, (await DescribeRawAsync(id)).WorkflowExecutionInfo.FirstRunId);
    }

    [Fact]
    public async Task MemoIsCarriedIntoTheNextRun()
    {
        var queue = Id("can");
        var id = Id("count");
        await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((CountingWorkflow wf) => wf.RunAsync(1, 2),
                new(id, queue) { Memo = new Dictionary<string, object> { ["ticket"] = "OPS-42" } });
            await h.GetResultAsync();
        });
        var latest = await Client.GetWorkflowHandle(id).DescribeAsync();
        Assert.NotEqual((await DescribeRawAsync(id)).WorkflowExecutionInfo.FirstRunId, latest.RunId);
        Assert.Equal("OPS-42", await latest.Memo["ticket"].ToValueAsync<string>());
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
