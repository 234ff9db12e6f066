using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Exceptions;
using Temporalio.Worker;
using Temporalio.Workflows;
using ParentClosePolicy = Temporalio.Workflows.ParentClosePolicy;

namespace Kubiya.Tests.Conformance;

/// <summary>Child workflows: results, failures, id conflicts and parent-close policies.</summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class ChildWorkflowTests(ServerFixture fx) : ConformanceTest(fx)
{
    [Workflow]
    public sealed class ChildWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(string mode)
        {
            switch (mode)
            {
                case "fail": throw new ApplicationFailureException("child gave up", "ChildError", nonRetryable: true);
                case "wait": await Workflow.WaitConditionAsync(() => false); break;
                case "flaky" when Workflow.Info.Attempt < 2: throw new ApplicationFailureException("child attempt 1 failed");
                case "catch-cancel":
                    try { await Workflow.WaitConditionAsync(() => false); }
                    catch (TaskCanceledException) { return "child saw the cancel"; }
                    break;
            }
            return $"child of {Workflow.Info.Parent?.WorkflowId} says {mode}";
        }
    }

    public sealed record ParentPlan(string ChildId, string Mode, ParentClosePolicy Policy = ParentClosePolicy.Terminate, bool StartOnly = false);

    [Workflow]
    public sealed class ParentWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(ParentPlan plan)
        {
            var options = new ChildWorkflowOptions { Id = plan.ChildId, ParentClosePolicy = plan.Policy };
            if (!plan.StartOnly)
                return await Workflow.ExecuteChildWorkflowAsync((ChildWorkflow c) => c.RunAsync(plan.Mode), options);
            try
            {
                var child = await Workflow.StartChildWorkflowAsync((ChildWorkflow c) => c.RunAsync(plan.Mode), options);
                return "started " + child.FirstExecutionRunId;
            }
            catch (WorkflowAlreadyStartedException e)
            {
                return "already started: " + e.WorkflowId;
            }
        }
    }

    /// <summary>Starts a child, waits a moment, then cancels it through a cancellation token.</summary>
    [Workflow]
    public sealed class CancellingParentWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(string childId)
        {
            using var cts = new CancellationTokenSource();
            var child = Workflow.ExecuteChildWorkflowAsync((ChildWorkflow c) => c.RunAsync("catch-cancel"), new()
            {
                Id = childId,
                CancellationToken = cts.Token,
                CancellationType = ChildWorkflowCancellationType.WaitCancellationCompleted,
            });
            await Workflow.DelayAsync(TimeSpan.FromMilliseconds(500));
            cts.Cancel();
            return "parent got: " + await child;
        }
    }

    /// <summary>Runs a child whose first attempt fails and whose retry policy allows a second.</summary>
    [Workflow]
    public sealed class RetryingParentWorkflow
    {
        [WorkflowRun]
        public Task<string> RunAsync(string childId) =>
            Workflow.ExecuteChildWorkflowAsync((ChildWorkflow c) => c.RunAsync("flaky"), new()
            {
                Id = childId,
                RetryPolicy = new() { InitialInterval = TimeSpan.FromMilliseconds(100), MaximumAttempts = 3 },
            });
    }

    private static TemporalWorkerOptions Options(string queue) => new TemporalWorkerOptions(queue)
        .AddWorkflow<ParentWorkflow>().AddWorkflow<ChildWorkflow>().AddWorkflow<CancellingParentWorkflow>().AddWorkflow<RetryingParentWorkflow>();

    [Fact]
    public async Task ChildResultIsReturnedToTheParent()
    {
        var queue = Id("children");
        var parentId = Id("parent");
        var childId = Id("child");
        var result = await WithWorkerAsync(Options(queue), () =>
            Client.ExecuteWorkflowAsync((ParentWorkflow wf) => wf.RunAsync(new ParentPlan(childId, "hello")), new(parentId, queue)));
        Assert.Equal($"child of {parentId} says hello", result);
        var child = await Client.GetWorkflowHandle(childId).DescribeAsync();
        Assert.Equal(WorkflowExecutionStatus.Completed, child.Status);
        Assert.Equal(parentId, child.ParentId);
        var parentEvents = EventTypes(await HistoryAsync(Client.GetWorkflowHandle(parentId)));
        Assert.Contains(EventType.StartChildWorkflowExecutionInitiated, parentEvents);
        Assert.Contains(EventType.ChildWorkflowExecutionStarted, parentEvents);
        Assert.Contains(EventType.ChildWorkflowExecutionCompleted, parentEvents);
    }

    [Fact]
    public async Task ChildFailurePropagatesToTheParent()
    {
        var queue = Id("children");
        var childId = Id("child");
        var ex = await WithWorkerAsync(Options(queue), () => Assert.ThrowsAsync<WorkflowFailedException>(() =>
            Client.ExecuteWorkflowAsync((ParentWorkflow wf) => wf.RunAsync(new ParentPlan(childId, "fail")), new(Id("parent"), queue))));
        var child = Assert.IsType<ChildWorkflowFailureException>(ex.InnerException);
        Assert.Equal(childId, child.WorkflowId);
        var app = Assert.IsType<ApplicationFailureException>(child.InnerException);
        Assert.Equal("child gave up", app.Message);
        Assert.Equal("ChildError", app.ErrorType);
    }

    [Fact]
    public async Task ParentClosePolicyTerminateTerminatesTheChild()
    {
        var queue = Id("children");
        var childId = Id("child");
        var childHandle = Client.GetWorkflowHandle(childId);
        await WithWorkerAsync(Options(queue), async () =>
        {
            var result = await Client.ExecuteWorkflowAsync((ParentWorkflow wf) =>
                wf.RunAsync(new ParentPlan(childId, "wait", ParentClosePolicy.Terminate, true)), new(Id("parent"), queue));
            Assert.StartsWith("started ", result);
            var ex = await Assert.ThrowsAsync<WorkflowFailedException>(() => childHandle.GetResultAsync());
            Assert.IsType<TerminatedFailureException>(ex.InnerException);
        });
        Assert.Equal(WorkflowExecutionStatus.Terminated, (await childHandle.DescribeAsync()).Status);
    }

    [Fact]
    public async Task ParentClosePolicyAbandonLeavesTheChildRunning()
    {
        var queue = Id("children");
        var childId = Id("child");
        var childHandle = Client.GetWorkflowHandle(childId);
        await WithWorkerAsync(Options(queue), async () =>
        {
            await Client.ExecuteWorkflowAsync((ParentWorkflow wf) =>
                wf.RunAsync(new ParentPlan(childId, "wait", ParentClosePolicy.Abandon, true)), new(Id("parent"), queue));
            // Give a wrongly applied policy the time to act before checking it did not.
            await Task.Delay(500);
            Assert.Equal(WorkflowExecutionStatus.Running, (await childHandle.DescribeAsync()).Status);
            await childHandle.TerminateAsync("test cleanup");
        });
    }

    [Fact]
    public async Task ParentClosePolicyRequestCancelCancelsTheChild()
    {
        var queue = Id("children");
        var childId = Id("child");
        var childHandle = Client.GetWorkflowHandle(childId);
        var result = await WithWorkerAsync(Options(queue), async () =>
        {
            await Client.ExecuteWorkflowAsync((ParentWorkflow wf) =>
                wf.RunAsync(new ParentPlan(childId, "catch-cancel", ParentClosePolicy.RequestCancel, true)), new(Id("parent"), queue));
            return await childHandle.GetResultAsync<string>();
        });
        Assert.Equal("child saw the cancel", result);
        Assert.Contains(EventType.WorkflowExecutionCancelRequested, EventTypes(await HistoryAsync(childHandle)));
    }

    [Fact]
    public async Task ParentCancelsItsChildThroughACancellationToken()
    {
        var queue = Id("children");
        var parentId = Id("parent");
        var result = await WithWorkerAsync(Options(queue), () =>
            Client.ExecuteWorkflowAsync((CancellingParentWorkflow wf) => wf.RunAsync(Id("child")), new(parentId, queue)));
        Assert.Equal("parent got: child saw the cancel", result);
        var types = EventTypes(await HistoryAsync(Client.GetWorkflowHandle(parentId)));
        Assert.Contains(EventType.RequestCancelExternalWorkflowExecutionInitiated, types);
        Assert.Contains(EventType.ExternalWorkflowExecutionCancelRequested, types);
        Assert.Contains(EventType.ChildWorkflowExecutionCompleted, types);
    }

    [Fact]
    public async Task ChildIsRetriedPerItsRetryPolicyAndTheParentSeesOnlyTheOutcome()
    {
        var queue = Id("children");
        var parentId = Id("parent");
        var result = await WithWorkerAsync(Options(queue), () =>
            Client.ExecuteWorkflowAsync((RetryingParentWorkflow wf) => wf.RunAsync(Id("child")), new(parentId, queue)));
        Assert.Equal($"child of {parentId} says flaky", result);
        var types = EventTypes(await HistoryAsync(Client.GetWorkflowHandle(parentId)));
        Assert.Single(types, t => t == EventType.ChildWorkflowExecutionStarted);
        Assert.Single(types, t => t == EventType.ChildWorkflowExecutionCompleted);
        Assert.DoesNotContain(EventType.ChildWorkflowExecutionFailed, types);
    }

    [Fact]
    public async Task ChildIdAlreadyRunningFailsTheChildStart()
    {
        var queue = Id("children");
        var childId = Id("child");
        var result = await WithWorkerAsync(Options(queue), async () =>
        {
            var squatter = await Client.StartWorkflowAsync((ChildWorkflow wf) => wf.RunAsync("wait"), new(childId, queue));
            var r = await Client.ExecuteWorkflowAsync((ParentWorkflow wf) =>
                wf.RunAsync(new ParentPlan(childId, "hello", ParentClosePolicy.Terminate, true)), new(Id("parent"), queue));
            await squatter.TerminateAsync("test cleanup");
            return r;
        });
        Assert.Equal("already started: " + childId, result);
    }
}
