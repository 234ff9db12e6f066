using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;
using Temporalio.Converters;

namespace Kubiya.Tests.Conformance.StandaloneActivities;

/// <summary>
/// Standalone activities (started by a client, no workflow) through the SDK's activity client and
/// a real worker: the result, describe while scheduled, running and closed, and the long poll
/// for the outcome.
/// </summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class StandaloneActivityLifecycleTests(ServerFixture fx) : StandaloneTest(fx)
{
    [Fact]
    public async Task StartedActivityRunsOnWorkerAndReturnsResult()
    {
        var queue = Queue();
        var jobs = new StandaloneJobs();
        var id = Id("sa-greet");
        var handle = await Client.StartActivityAsync("Greet", new object?[] { "World" }, Options(id, queue));
        Assert.Equal(id, handle.Id);
        Assert.False(string.IsNullOrEmpty(handle.RunId));
        var result = await WithJobsAsync(queue, jobs, () => handle.GetResultAsync<string>());
        Assert.Equal("Hello, World", result);
        Assert.Equal(1, jobs.Runs);
    }

    [Fact]
    public async Task ExecuteActivityWaitsForTheResult()
    {
        var queue = Queue();
        var result = await WithJobsAsync(queue, new StandaloneJobs(), () =>
            Client.ExecuteActivityAsync<string>("Greet", new object?[] { "again" }, Options(Id("sa-exec"), queue)));
        Assert.Equal("Hello, again", result);
    }

    [Fact]
    public async Task DescribeShowsScheduledRunningAndClosedStates()
    {
        var queue = Queue();
        var jobs = new StandaloneJobs();
        var id = Id("sa-describe");
        var options = Options(id, queue, TimeSpan.FromSeconds(40));
        options.ScheduleToCloseTimeout = TimeSpan.FromMinutes(5);
        options.HeartbeatTimeout = TimeSpan.FromSeconds(20);
        options.Summary = "standalone describe";
        var handle = await Client.StartActivityAsync("Block", Array.Empty<object?>(), options);

        var scheduled = await DescribeAsync(handle);
        Assert.Equal(ActivityExecutionStatus.Running, scheduled.Status);
        Assert.Equal(PendingActivityState.Scheduled, scheduled.RunState);
        Assert.Equal("Block", scheduled.ActivityType);
        Assert.Equal(queue, scheduled.TaskQueue);
        Assert.Equal(TimeSpan.FromSeconds(40), scheduled.StartToCloseTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), scheduled.ScheduleToCloseTimeout);
        Assert.Equal(TimeSpan.FromSeconds(20), scheduled.HeartbeatTimeout);
        Assert.Equal(1, scheduled.Attempt);
        Assert.Null(scheduled.CloseTime);
        Assert.Equal("standalone describe", await scheduled.GetSummaryAsync());

        await WithJobsAsync(queue, jobs, async () =>
        {
            await jobs.Running.Task;
            var running = await DescribeUntilAsync(handle, d => d.RunState == PendingActivityState.Started && d.LastHeartbeatTime != null, "a started, heartbeating attempt");
            Assert.Equal(ActivityExecutionStatus.Running, running.Status);
            Assert.NotNull(running.LastStartedTime);
            Assert.False(string.IsNullOrEmpty(running.LastWorkerIdentity));
            Assert.True(running.TotalHeartbeatCount >= 1);
            jobs.Release.TrySetResult("released");
            Assert.Equal("released", await handle.GetResultAsync<string>());
        });

        var closed = await DescribeAsync(handle);
        Assert.Equal(ActivityExecutionStatus.Completed, closed.Status);
        Assert.NotNull(closed.CloseTime);
        Assert.True(closed.HasResult);
        Assert.Equal("released", await closed.GetResultAsync<string>());
        Assert.Equal(handle.RunId, closed.ActivityRunId);
    }

    [Fact]
    public async Task PollActivityExecutionLongPollsUntilTheOutcome()
    {
        var queue = Queue();
        var id = Id("sa-poll");
        var handle = await Client.StartActivityAsync("Greet", new object?[] { "poller" }, Options(id, queue));
        var request = new PollActivityExecutionRequest { Namespace = Fx.Namespace, ActivityId = id, RunId = handle.RunId! };
        // No worker yet: the long poll ends without an outcome and says so by leaving it empty.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var empty = await Client.Connection.WorkflowService.PollActivityExecutionAsync(request,
            new RpcOptions { Timeout = TimeSpan.FromSeconds(4) });
        Assert.Null(empty.Outcome);
        Assert.True(waited.Elapsed >= TimeSpan.FromSeconds(1), $"the poll answered after {waited.Elapsed} instead of waiting");

        var pending = Client.Connection.WorkflowService.PollActivityExecutionAsync(request, new RpcOptions { Timeout = TimeSpan.FromSeconds(60) });
        var outcome = await WithJobsAsync(queue, new StandaloneJobs(), () => pending);
        Assert.NotNull(outcome.Outcome?.Result);
        Assert.Equal(handle.RunId, outcome.RunId);
        Assert.Equal("Hello, poller", DataConverter.Default.PayloadConverter.ToValue<string>(outcome.Outcome!.Result.Payloads_[0]));
    }

    [Fact]
    public async Task DescribeLongPollTokenWaitsForTheNextChange()
    {
        var queue = Queue();
        var id = Id("sa-describe-poll");
        var handle = await Client.StartActivityAsync("Greet", new object?[] { "token" }, Options(id, queue));
        var first = await Client.Connection.WorkflowService.DescribeActivityExecutionAsync(new DescribeActivityExecutionRequest
        {
            Namespace = Fx.Namespace, ActivityId = id, RunId = handle.RunId!,
        });
        Assert.False(first.LongPollToken.IsEmpty);
        var next = Client.Connection.WorkflowService.DescribeActivityExecutionAsync(new DescribeActivityExecutionRequest
        {
            Namespace = Fx.Namespace, ActivityId = id, RunId = handle.RunId!, LongPollToken = first.LongPollToken, IncludeOutcome = true,
        }, new RpcOptions { Timeout = TimeSpan.FromSeconds(60) });
        await Task.Delay(300);
        Assert.False(next.IsCompleted, "a describe with an up-to-date token must wait for a change");
        await WithJobsAsync(queue, new StandaloneJobs(), () => handle.GetResultAsync<string>());
        var changed = await next;
        Assert.NotNull(changed.Info);
        Assert.NotEqual(first.LongPollToken, changed.LongPollToken);
    }

    [Fact]
    public async Task UnknownActivityIsNotFound()
    {
        var ex = await Assert.ThrowsAsync<Temporalio.Exceptions.RpcException>(() =>
            Client.GetActivityHandle(Id("sa-missing")).DescribeAsync());
        Assert.Equal(Temporalio.Exceptions.RpcException.StatusCode.NotFound, ex.Code);
    }

    [Fact]
    public async Task StartWithoutTimeoutIsRejected()
    {
        // The SDK refuses this itself; the server must too, for clients that do not.
        var ex = await Assert.ThrowsAsync<Temporalio.Exceptions.RpcException>(() =>
            Client.Connection.WorkflowService.StartActivityExecutionAsync(new StartActivityExecutionRequest
            {
                Namespace = Fx.Namespace,
                ActivityId = Id("sa-no-timeout"),
                ActivityType = new() { Name = "Greet" },
                TaskQueue = new() { Name = Queue() },
                RequestId = Guid.NewGuid().ToString(),
            }));
        Assert.Equal(Temporalio.Exceptions.RpcException.StatusCode.InvalidArgument, ex.Code);
        Assert.Contains("timeout", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task WorkerSeesAStandaloneActivityWithNoWorkflow()
    {
        var queue = Queue();
        var jobs = new StandaloneJobs();
        var id = Id("sa-info");
        var info = await WithJobsAsync(queue, jobs, () =>
            Client.ExecuteActivityAsync<string>("Describe", Array.Empty<object?>(), Options(id, queue)));
        Assert.Equal($"{id}|standalone|{queue}|1", info);
    }
}
