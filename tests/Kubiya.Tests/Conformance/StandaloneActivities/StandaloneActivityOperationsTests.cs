using Kubiya.Tests.Infrastructure;
using Temporalio.Activities;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;
using Temporalio.Common;

namespace Kubiya.Tests.Conformance.StandaloneActivities;

/// <summary>
/// Pause, unpause and reset of standalone activities (the *ActivityExecution operations with no
/// workflow id): a paused activity is not dispatched, a running attempt learns of the pause from
/// its heartbeat, and a reset starts the attempts again at 1.
/// </summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class StandaloneActivityOperationsTests(ServerFixture fx) : StandaloneTest(fx)
{
    private WorkflowService Service => Client.Connection.WorkflowService;

    private Task PauseAsync(ActivityHandle h, string reason) =>
        Service.PauseActivityExecutionAsync(new() { Namespace = Fx.Namespace, ActivityId = h.Id, RunId = h.RunId!, Identity = "operator", Reason = reason });

    private Task UnpauseAsync(ActivityHandle h) =>
        Service.UnpauseActivityExecutionAsync(new() { Namespace = Fx.Namespace, ActivityId = h.Id, RunId = h.RunId!, Identity = "operator" });

    [Fact]
    public async Task PausedActivityIsNotDispatchedUntilUnpaused()
    {
        var queue = Queue();
        var jobs = new StandaloneJobs();
        var handle = await Client.StartActivityAsync("Greet", new object?[] { "paused" }, Options(Id("sa-pause"), queue));
        await PauseAsync(handle, "maintenance");
        var paused = await DescribeAsync(handle);
        Assert.Equal(ActivityExecutionStatus.Paused, paused.Status);
        Assert.Equal(PendingActivityState.Paused, paused.RunState);
        Assert.Single(await ListAsync($"ActivityId = '{handle.Id}' AND ActivityStatus = 'Paused'"));
        var result = await WithJobsAsync(queue, jobs, async () =>
        {
            await Task.Delay(1500);
            Assert.Equal(0, jobs.Runs);
            await UnpauseAsync(handle);
            return await handle.GetResultAsync<string>();
        });
        Assert.Equal("Hello, paused", result);
        Assert.Equal(1, jobs.Runs);
    }

    [Fact]
    public async Task PauseReachesTheRunningAttemptThroughItsHeartbeat()
    {
        var queue = Queue();
        var jobs = new StandaloneJobs();
        var options = Options(Id("sa-pause-running"), queue, TimeSpan.FromSeconds(60));
        options.HeartbeatTimeout = TimeSpan.FromSeconds(2);
        options.RetryPolicy = new RetryPolicy { InitialInterval = TimeSpan.FromMilliseconds(100) };
        var handle = await Client.StartActivityAsync("Block", Array.Empty<object?>(), options);
        await WithJobsAsync(queue, jobs, async () =>
        {
            await jobs.Running.Task;
            await PauseAsync(handle, "hold on");
            Assert.Equal(ActivityCancelReason.Paused, await jobs.Interrupted.Task);
            var paused = await DescribeUntilAsync(handle, d => d.Status == ActivityExecutionStatus.Paused, "the interrupted attempt to leave it paused");
            Assert.Equal(PendingActivityState.Paused, paused.RunState);
            Assert.Equal(1, jobs.Runs);
            jobs.Release.TrySetResult("resumed");
            await UnpauseAsync(handle);
            Assert.Equal("resumed", await handle.GetResultAsync<string>());
        });
        var d = await DescribeAsync(handle);
        Assert.Equal(ActivityExecutionStatus.Completed, d.Status);
        Assert.Equal(2, d.Attempt);
    }

    [Fact]
    public async Task ResetStartsTheAttemptsAgainAtOneWithoutWaitingForTheBackoff()
    {
        var queue = Queue();
        var jobs = new StandaloneJobs();
        var options = Options(Id("sa-reset"), queue);
        options.RetryPolicy = new RetryPolicy { InitialInterval = TimeSpan.FromHours(1) };
        var handle = await Client.StartActivityAsync("FailOnce", Array.Empty<object?>(), options);
        var result = await WithJobsAsync(queue, jobs, async () =>
        {
            var waiting = await DescribeUntilAsync(handle, d => d.Attempt == 2, "the retry an hour away");
            Assert.NotNull(waiting.NextAttemptScheduleTime);
            await Service.ResetActivityExecutionAsync(new() { Namespace = Fx.Namespace, ActivityId = handle.Id, RunId = handle.RunId!, Identity = "operator" });
            return await handle.GetResultAsync<string>();
        });
        Assert.Equal("attempt 1", result);
        Assert.Equal(2, jobs.Runs);
    }

    [Fact]
    public async Task UpdatedOptionsMoveAQueuedActivityToAnotherTaskQueue()
    {
        var oldQueue = Queue();
        var newQueue = Queue();
        var jobs = new StandaloneJobs();
        var handle = await Client.StartActivityAsync("Greet", new object?[] { "moved" }, Options(Id("sa-options"), oldQueue));
        var updated = await Service.UpdateActivityExecutionOptionsAsync(new()
        {
            Namespace = Fx.Namespace, ActivityId = handle.Id, RunId = handle.RunId!, Identity = "operator",
            ActivityOptions = new()
            {
                TaskQueue = new() { Name = newQueue },
                StartToCloseTimeout = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(45)),
            },
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "task_queue", "start_to_close_timeout" } },
        });
        Assert.Equal(newQueue, updated.ActivityOptions.TaskQueue.Name);
        Assert.Equal(TimeSpan.FromSeconds(45), updated.ActivityOptions.StartToCloseTimeout.ToTimeSpan());
        var d = await DescribeAsync(handle);
        Assert.Equal(newQueue, d.TaskQueue);
        Assert.Equal(TimeSpan.FromSeconds(45), d.StartToCloseTimeout);
        Assert.Equal("Hello, moved", await WithJobsAsync(newQueue, jobs, () => handle.GetResultAsync<string>()));
        Assert.Single(await ListAsync($"ActivityTaskQueue = '{newQueue}'"));
    }

    private async Task<List<ActivityExecution>> ListAsync(string query)
    {
        var list = new List<ActivityExecution>();
        await foreach (var a in Client.ListActivitiesAsync(query)) list.Add(a);
        return list;
    }
}
