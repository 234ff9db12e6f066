using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;
using Temporalio.Exceptions;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance;

/// <summary>Starting a workflow whose id is taken: request-id idempotency, id reuse and id conflict policies.</summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class StartPolicyTests(ServerFixture fx) : ConformanceTest(fx)
{
    [Workflow]
    public sealed class OutcomeWorkflow
    {
        /// <summary>"wait" blocks, "fail" fails, anything else completes with it.</summary>
        [WorkflowRun]
        public async Task<string> RunAsync(string outcome)
        {
            if (outcome == "wait") await Workflow.WaitConditionAsync(() => false);
            if (outcome == "fail") throw new ApplicationFailureException("asked to fail");
            return outcome;
        }
    }

    private static TemporalWorkerOptions Options(string queue) => new TemporalWorkerOptions(queue).AddWorkflow<OutcomeWorkflow>();

    private Task<WorkflowHandle<OutcomeWorkflow, string>> StartAsync(string id, string queue, string outcome, Action<WorkflowOptions>? configure = null)
    {
        var options = new WorkflowOptions(id, queue);
        configure?.Invoke(options);
        return Client.StartWorkflowAsync((OutcomeWorkflow wf) => wf.RunAsync(outcome), options);
    }

    [Fact]
    public async Task StartWithTheSameRequestIdIsIdempotent()
    {
        var id = Id("idem");
        var queue = Id("no-worker");
        // The client API hides the request id, so this goes through the SDK's raw service client,
        // exactly as a client retrying a start after a lost response would.
        var request = new StartWorkflowExecutionRequest
        {
            Namespace = Fx.Namespace,
            WorkflowId = id,
            WorkflowType = new() { Name = "OutcomeWorkflow" },
            TaskQueue = new() { Name = queue },
            RequestId = Guid.NewGuid().ToString(),
            Identity = "conformance",
        };
        var first = await Client.Connection.WorkflowService.StartWorkflowExecutionAsync(request);
        var second = await Client.Connection.WorkflowService.StartWorkflowExecutionAsync(request);
        Assert.Equal(first.RunId, second.RunId);
        // A different request id for the same running id is a conflict.
        await Assert.ThrowsAsync<WorkflowAlreadyStartedException>(() => StartAsync(id, queue, "wait"));
        await Client.GetWorkflowHandle(id).TerminateAsync("test done");
    }

    [Fact]
    public async Task StartingARunningIdFailsWithAlreadyStarted()
    {
        var id = Id("dup");
        var queue = Id("no-worker");
        var first = await StartAsync(id, queue, "wait");
        var ex = await Assert.ThrowsAsync<WorkflowAlreadyStartedException>(() => StartAsync(id, queue, "wait"));
        Assert.Equal(id, ex.WorkflowId);
        Assert.Equal(first.ResultRunId, ex.RunId);
        await first.TerminateAsync("test done");
    }

    [Fact]
    public async Task RejectDuplicateForbidsAnyNewRunAfterCompletion()
    {
        var queue = Id("reuse");
        var id = Id("reject");
        await WithWorkerAsync(Options(queue), async () =>
        {
            await (await StartAsync(id, queue, "ok")).GetResultAsync();
            await Assert.ThrowsAsync<WorkflowAlreadyStartedException>(() =>
                StartAsync(id, queue, "ok", o => o.IdReusePolicy = WorkflowIdReusePolicy.RejectDuplicate));
        });
    }

    [Fact]
    public async Task AllowDuplicateFailedOnlyAllowsANewRunOnlyAfterFailure()
    {
        var queue = Id("reuse");
        var completedId = Id("completed");
        var failedId = Id("failed");
        await WithWorkerAsync(Options(queue), async () =>
        {
            await (await StartAsync(completedId, queue, "ok")).GetResultAsync();
            await Assert.ThrowsAsync<WorkflowAlreadyStartedException>(() =>
                StartAsync(completedId, queue, "ok", o => o.IdReusePolicy = WorkflowIdReusePolicy.AllowDuplicateFailedOnly));

            var failed = await StartAsync(failedId, queue, "fail");
            await Assert.ThrowsAsync<WorkflowFailedException>(() => failed.GetResultAsync());
            var rerun = await StartAsync(failedId, queue, "second run", o => o.IdReusePolicy = WorkflowIdReusePolicy.AllowDuplicateFailedOnly);
            Assert.NotEqual(failed.ResultRunId, rerun.ResultRunId);
            Assert.Equal("second run", await rerun.GetResultAsync());
        });
    }

    [Fact]
    public async Task AllowDuplicateIsTheDefaultAfterCompletion()
    {
        var queue = Id("reuse");
        var id = Id("again");
        await WithWorkerAsync(Options(queue), async () =>
        {
            var first = await StartAsync(id, queue, "one");
            Assert.Equal("one", await first.GetResultAsync());
            var second = await StartAsync(id, queue, "two");
            Assert.NotEqual(first.ResultRunId, second.ResultRunId);
            Assert.Equal("two", await second.GetResultAsync());
        });
    }

    [Fact]
    public async Task ConflictPolicyUseExistingReturnsTheRunningRun()
    {
        var id = Id("use-existing");
        var queue = Id("no-worker");
        var first = await StartAsync(id, queue, "wait");
        var second = await StartAsync(id, queue, "wait", o => o.IdConflictPolicy = WorkflowIdConflictPolicy.UseExisting);
        Assert.Equal(first.ResultRunId, second.ResultRunId);
        Assert.Equal(WorkflowExecutionStatus.Running, (await first.DescribeAsync()).Status);
        await first.TerminateAsync("test done");
    }

    [Fact]
    public async Task ConflictPolicyTerminateExistingReplacesTheRunningRun()
    {
        var id = Id("terminate-existing");
        var queue = Id("no-worker");
        var first = await StartAsync(id, queue, "wait");
        var second = await StartAsync(id, queue, "wait", o => o.IdConflictPolicy = WorkflowIdConflictPolicy.TerminateExisting);
        Assert.NotEqual(first.ResultRunId, second.ResultRunId);
        var old = Client.GetWorkflowHandle(id, runId: first.ResultRunId);
        Assert.Equal(WorkflowExecutionStatus.Terminated, (await old.DescribeAsync()).Status);
        Assert.Equal(WorkflowExecutionStatus.Running, (await second.DescribeAsync()).Status);
        await second.TerminateAsync("test done");
    }
}
