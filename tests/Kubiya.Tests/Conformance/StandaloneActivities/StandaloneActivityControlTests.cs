using Kubiya.Tests.Infrastructure;
using Temporalio.Activities;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Kubiya.Tests.Conformance.StandaloneActivities;

/// <summary>Cancel (delivered to the running activity through its heartbeat), terminate and delete.</summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class StandaloneActivityControlTests(ServerFixture fx) : StandaloneTest(fx)
{
    private static StartActivityOptions Heartbeating(string id, string queue)
    {
        var o = Options(id, queue, TimeSpan.FromSeconds(60));
        o.HeartbeatTimeout = TimeSpan.FromSeconds(2);
        return o;
    }

    [Fact]
    public async Task CancelReachesTheRunningActivityThroughItsHeartbeat()
    {
        var queue = Queue();
        var jobs = new StandaloneJobs();
        var handle = await Client.StartActivityAsync("Block", Array.Empty<object?>(), Heartbeating(Id("sa-cancel"), queue));
        var ex = await WithJobsAsync(queue, jobs, async () =>
        {
            await jobs.Running.Task;
            await handle.CancelAsync(new ActivityCancelOptions { Reason = "no longer needed" });
            var requested = await DescribeAsync(handle);
            Assert.True(requested.Status == ActivityExecutionStatus.Canceled || requested.RunState == PendingActivityState.CancelRequested,
                $"after the request the activity is {requested.Status} / {requested.RunState}");
            Assert.Equal(ActivityCancelReason.CancelRequested, await jobs.Interrupted.Task);
            return await Assert.ThrowsAsync<ActivityFailedException>(() => handle.GetResultAsync<string>());
        });
        Assert.IsType<CanceledFailureException>(ex.InnerException);
        var d = await DescribeAsync(handle);
        Assert.Equal(ActivityExecutionStatus.Canceled, d.Status);
        Assert.Equal("no longer needed", d.CanceledReason);
    }

    [Fact]
    public async Task CancelBeforeAnyWorkerTookItCancelsAtOnce()
    {
        var handle = await Client.StartActivityAsync("Greet", new object?[] { "never" }, Options(Id("sa-cancel-scheduled"), Queue()));
        await handle.CancelAsync(new ActivityCancelOptions { Reason = "changed my mind" });
        var d = await DescribeAsync(handle);
        Assert.Equal(ActivityExecutionStatus.Canceled, d.Status);
        var ex = await Assert.ThrowsAsync<ActivityFailedException>(() => handle.GetResultAsync<string>().WaitAsync(ResultTimeout));
        Assert.IsType<CanceledFailureException>(ex.InnerException);
    }

    [Fact]
    public async Task TerminateEndsTheActivityAndInterruptsItsWorker()
    {
        var queue = Queue();
        var jobs = new StandaloneJobs();
        var handle = await Client.StartActivityAsync("Block", Array.Empty<object?>(), Heartbeating(Id("sa-terminate"), queue));
        await WithJobsAsync(queue, jobs, async () =>
        {
            await jobs.Running.Task;
            await handle.TerminateAsync(new ActivityTerminateOptions { Reason = "operator stop" });
            var ex = await Assert.ThrowsAsync<ActivityFailedException>(() => handle.GetResultAsync<string>());
            var terminated = Assert.IsType<TerminatedFailureException>(ex.InnerException);
            Assert.Equal("operator stop", terminated.Message);
            // The next heartbeat finds the attempt gone and the worker cancels the activity.
            await jobs.Interrupted.Task;
        });
        Assert.Equal(ActivityExecutionStatus.Terminated, (await DescribeAsync(handle)).Status);
    }

    [EmbeddedServerFact]
    public async Task TerminateOrCancelOfAClosedActivityFailsItsPrecondition()
    {
        var queue = Queue();
        var handle = await Client.StartActivityAsync("Greet", new object?[] { "done" }, Options(Id("sa-closed"), queue));
        await WithJobsAsync(queue, new StandaloneJobs(), () => handle.GetResultAsync<string>());
        var terminate = await Assert.ThrowsAsync<RpcException>(() => handle.TerminateAsync(new ActivityTerminateOptions { Reason = "late" }));
        Assert.Equal(RpcException.StatusCode.FailedPrecondition, terminate.Code);
        var cancel = await Assert.ThrowsAsync<RpcException>(() => handle.CancelAsync());
        Assert.Equal(RpcException.StatusCode.FailedPrecondition, cancel.Code);
        Assert.Equal(ActivityExecutionStatus.Completed, (await DescribeAsync(handle)).Status);
    }

    [Fact]
    public async Task RepeatedCancelWithTheSameRequestIdSucceeds()
    {
        var id = Id("sa-cancel-twice");
        var handle = await Client.StartActivityAsync("Greet", new object?[] { "x" }, Options(id, Queue()));
        var request = new RequestCancelActivityExecutionRequest { Namespace = Fx.Namespace, ActivityId = id, RunId = handle.RunId!, RequestId = "cancel-1", Reason = "twice" };
        await Client.Connection.WorkflowService.RequestCancelActivityExecutionAsync(request);
        await Client.Connection.WorkflowService.RequestCancelActivityExecutionAsync(request);
        Assert.Equal(ActivityExecutionStatus.Canceled, (await DescribeAsync(handle)).Status);
    }

    [Fact]
    public async Task DeleteRemovesTheExecutionFromDescribeAndLists()
    {
        var queue = Queue();
        var id = Id("sa-delete");
        var handle = await Client.StartActivityAsync("Greet", new object?[] { "gone" }, Options(id, queue));
        await WithJobsAsync(queue, new StandaloneJobs(), () => handle.GetResultAsync<string>());
        Assert.Equal(1, (await Client.CountActivitiesAsync($"ActivityId = '{id}'")).Count);
        await Client.Connection.WorkflowService.DeleteActivityExecutionAsync(new DeleteActivityExecutionRequest
        {
            Namespace = Fx.Namespace, ActivityId = id, RunId = handle.RunId!,
        });
        var ex = await EventuallyAsync(async () =>
        {
            try { await handle.DescribeAsync(); return null; }
            catch (RpcException e) { return e; }
        }, e => e != null, "describe of the deleted activity to fail");
        Assert.Equal(RpcException.StatusCode.NotFound, ex!.Code);
        await EventuallyAsync(async () => (await Client.CountActivitiesAsync($"ActivityId = '{id}'")).Count, n => n == 0, "the deleted activity to leave visibility");
    }
}
