using Kubiya.Tests.Infrastructure;
using Temporalio.Activities;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Exceptions;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance;

/// <summary>Cancellation (of workflows and of activities), termination and workflow failure.</summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class CancelTerminateTests(ServerFixture fx) : ConformanceTest(fx)
{
    /// <summary>Heartbeats until cancelled and records that it saw the cancellation.</summary>
    public sealed class HeartbeatingActivities
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource<ActivityCancelReason> SawCancel { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        [Activity]
        public async Task<string> HeartbeatUntilCancelled()
        {
            var ctx = ActivityExecutionContext.Current;
            Started.TrySetResult();
            try
            {
                while (true)
                {
                    ctx.Heartbeat();
                    await Task.Delay(200, ctx.CancellationToken);
                }
            }
            catch (OperationCanceledException)
            {
                SawCancel.TrySetResult(ctx.CancelReason);
                throw;
            }
        }
    }

    [Workflow]
    public sealed class ActivityWorkflow
    {
        [WorkflowRun]
        public Task<string> RunAsync() =>
            Workflow.ExecuteActivityAsync((HeartbeatingActivities a) => a.HeartbeatUntilCancelled(), Heartbeating());

        internal static ActivityOptions Heartbeating() => new()
        {
            StartToCloseTimeout = TimeSpan.FromMinutes(5),
            HeartbeatTimeout = TimeSpan.FromSeconds(10),
            CancellationType = ActivityCancellationType.WaitCancellationCompleted,
        };
    }

    /// <summary>Cancels its own activity through a cancellation token and reports how that ended.</summary>
    [Workflow]
    public sealed class CancelsItsActivityWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync()
        {
            using var cts = new CancellationTokenSource();
            var options = ActivityWorkflow.Heartbeating();
            options.CancellationToken = cts.Token;
            var activity = Workflow.ExecuteActivityAsync((HeartbeatingActivities a) => a.HeartbeatUntilCancelled(), options);
            await Workflow.DelayAsync(TimeSpan.FromSeconds(1));
            cts.Cancel();
            try
            {
                await activity;
                return "activity completed";
            }
            catch (ActivityFailureException e) when (e.InnerException is CanceledFailureException)
            {
                return "activity cancelled";
            }
        }
    }

    [Workflow]
    public sealed class WaitForeverWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(bool handleCancel)
        {
            try
            {
                await Workflow.WaitConditionAsync(() => false);
            }
            catch (TaskCanceledException) when (handleCancel)
            {
                return "cleaned up after cancel";
            }
            return "unreachable";
        }
    }

    [Workflow]
    public sealed class FailingWorkflow
    {
        [WorkflowRun]
        public Task<string> RunAsync() =>
            throw new ApplicationFailureException("workflow refused", "RefusedError", details: new object?[] { "detail-1" });
    }

    /// <summary>Asks another workflow to cancel.</summary>
    [Workflow]
    public sealed class CancelOtherWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(string targetId)
        {
            await Workflow.GetExternalWorkflowHandle(targetId).CancelAsync();
            return "cancel requested";
        }
    }

    // Heartbeats reach the server at least every half second, so cancellation arrives quickly
    // while the heartbeat timeout stays generous for a loaded machine.
    private static TemporalWorkerOptions Options(string queue, HeartbeatingActivities acts) => new TemporalWorkerOptions(queue)
    {
        MaxHeartbeatThrottleInterval = TimeSpan.FromMilliseconds(500),
    }
        .AddWorkflow<ActivityWorkflow>().AddWorkflow<CancelsItsActivityWorkflow>().AddWorkflow<WaitForeverWorkflow>()
        .AddWorkflow<FailingWorkflow>().AddWorkflow<CancelOtherWorkflow>().AddAllActivities(acts);

    [Fact]
    public async Task WorkflowCancelReachesAHeartbeatingActivity()
    {
        var queue = Id("cancel");
        var acts = new HeartbeatingActivities();
        var (ex, handle) = await WithWorkerAsync(Options(queue, acts), async () =>
        {
            var h = await Client.StartWorkflowAsync((ActivityWorkflow wf) => wf.RunAsync(), new(Id("cancel"), queue));
            await acts.Started.Task;
            await h.CancelAsync();
            return (await Assert.ThrowsAsync<WorkflowFailedException>(() => h.GetResultAsync()), h);
        });
        Assert.Equal(ActivityCancelReason.CancelRequested, await acts.SawCancel.Task);
        Assert.IsType<CanceledFailureException>(ex.InnerException);
        var types = EventTypes(await HistoryAsync(handle));
        Assert.Contains(EventType.WorkflowExecutionCancelRequested, types);
        Assert.Contains(EventType.ActivityTaskCancelRequested, types);
        Assert.Contains(EventType.ActivityTaskCanceled, types);
        Assert.Equal(EventType.WorkflowExecutionCanceled, types[^1]);
    }

    [Fact]
    public async Task WorkflowCancelsItsActivityThroughACancellationToken()
    {
        var queue = Id("cancel");
        var acts = new HeartbeatingActivities();
        var result = await WithWorkerAsync(Options(queue, acts), () =>
            Client.ExecuteWorkflowAsync((CancelsItsActivityWorkflow wf) => wf.RunAsync(), new(Id("cancel-activity"), queue)));
        Assert.Equal("activity cancelled", result);
        Assert.Equal(ActivityCancelReason.CancelRequested, await acts.SawCancel.Task);
    }

    [Fact]
    public async Task CancelledWorkflowEndsCancelled()
    {
        var queue = Id("cancel");
        var (ex, handle) = await WithWorkerAsync(Options(queue, new()), async () =>
        {
            var h = await Client.StartWorkflowAsync((WaitForeverWorkflow wf) => wf.RunAsync(false), new(Id("wait"), queue));
            await h.CancelAsync();
            return (await Assert.ThrowsAsync<WorkflowFailedException>(() => h.GetResultAsync()), h);
        });
        Assert.IsType<CanceledFailureException>(ex.InnerException);
        Assert.Equal(WorkflowExecutionStatus.Canceled, (await handle.DescribeAsync()).Status);
    }

    [Fact]
    public async Task WorkflowMayHandleCancellationAndComplete()
    {
        var queue = Id("cancel");
        var result = await WithWorkerAsync(Options(queue, new()), async () =>
        {
            var h = await Client.StartWorkflowAsync((WaitForeverWorkflow wf) => wf.RunAsync(true), new(Id("wait"), queue));
            await h.CancelAsync();
            return await h.GetResultAsync();
        });
        Assert.Equal("cleaned up after cancel", result);
    }

    [Fact]
    public async Task TerminatedWorkflowFailsWithTerminatedFailure()
    {
        var queue = Id("terminate");
        var (ex, handle) = await WithWorkerAsync(Options(queue, new()), async () =>
        {
            var h = await Client.StartWorkflowAsync((WaitForeverWorkflow wf) => wf.RunAsync(false), new(Id("wait"), queue));
            await h.TerminateAsync("operator said stop");
            return (await Assert.ThrowsAsync<WorkflowFailedException>(() => h.GetResultAsync()), h);
        });
        var terminated = Assert.IsType<TerminatedFailureException>(ex.InnerException);
        Assert.Equal("operator said stop", terminated.Message);
        var desc = await handle.DescribeAsync();
        Assert.Equal(WorkflowExecutionStatus.Terminated, desc.Status);
        Assert.NotNull(desc.CloseTime);
        var last = (await HistoryAsync(handle))[^1];
        Assert.Equal(EventType.WorkflowExecutionTerminated, last.EventType);
        Assert.Equal("operator said stop", last.WorkflowExecutionTerminatedEventAttributes.Reason);
    }

    [Fact]
    public async Task TerminatingAWorkflowStopsItsHeartbeatingActivity()
    {
        var queue = Id("terminate");
        var acts = new HeartbeatingActivities();
        var reason = await WithWorkerAsync(Options(queue, acts), async () =>
        {
            var h = await Client.StartWorkflowAsync((ActivityWorkflow wf) => wf.RunAsync(), new(Id("terminate"), queue));
            await acts.Started.Task;
            await h.TerminateAsync("stop everything");
            return await acts.SawCancel.Task;
        });
        // The next heartbeat finds the activity gone and the worker cancels it.
        Assert.Equal(ActivityCancelReason.GoneFromServer, reason);
    }

    [Fact]
    public async Task WorkflowCancelsAnotherWorkflow()
    {
        var queue = Id("cancel");
        var targetId = Id("target");
        var (sent, result) = await WithWorkerAsync(Options(queue, new()), async () =>
        {
            var target = await Client.StartWorkflowAsync((WaitForeverWorkflow wf) => wf.RunAsync(true), new(targetId, queue));
            var s = await Client.ExecuteWorkflowAsync((CancelOtherWorkflow wf) => wf.RunAsync(targetId), new(Id("canceller"), queue));
            return (s, await target.GetResultAsync());
        });
        Assert.Equal("cancel requested", sent);
        Assert.Equal("cleaned up after cancel", result);
    }

    [Fact]
    public async Task TerminateWithoutAWorkerClosesTheWorkflow()
    {
        var h = await Client.StartWorkflowAsync((WaitForeverWorkflow wf) => wf.RunAsync(false), new(Id("wait"), Id("no-worker")));
        await h.TerminateAsync("never ran");
        var ex = await Assert.ThrowsAsync<WorkflowFailedException>(() => h.GetResultAsync());
        Assert.IsType<TerminatedFailureException>(ex.InnerException);
        // A closed workflow cannot be terminated again.
        var again = await Assert.ThrowsAsync<RpcException>(() => h.TerminateAsync("twice"));
        Assert.Equal(RpcException.StatusCode.NotFound, again.Code);
    }

    [Fact]
    public async Task GetResultOfAFailedWorkflowThrowsTheWorkflowsError()
    {
        var queue = Id("fail");
        var (ex, handle) = await WithWorkerAsync(Options(queue, new()), async () =>
        {
            var h = await Client.StartWorkflowAsync((FailingWorkflow wf) => wf.RunAsync(), new(Id("failing"), queue));
            return (await Assert.ThrowsAsync<WorkflowFailedException>(() => h.GetResultAsync()), h);
        });
        var app = Assert.IsType<ApplicationFailureException>(ex.InnerException);
        Assert.Equal("workflow refused", app.Message);
        Assert.Equal("RefusedError", app.ErrorType);
        Assert.Equal("detail-1", app.Details.ElementAt<string>(0));
        Assert.Equal(WorkflowExecutionStatus.Failed, (await handle.DescribeAsync()).Status);
    }
}
