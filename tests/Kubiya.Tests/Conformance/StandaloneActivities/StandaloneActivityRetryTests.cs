using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Common;
using Temporalio.Exceptions;

namespace Kubiya.Tests.Conformance.StandaloneActivities;

/// <summary>Retries per the retry policy, and the four activity timeouts, on standalone activities.</summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class StandaloneActivityRetryTests(ServerFixture fx) : StandaloneTest(fx)
{
    private static RetryPolicy Fast(int maximumAttempts = 0) =>
        new() { InitialInterval = TimeSpan.FromMilliseconds(100), BackoffCoefficient = 1, MaximumAttempts = maximumAttempts };

    [Fact]
    public async Task FailedAttemptsAreRetriedUntilOneSucceedsWithTheLastHeartbeat()
    {
        var queue = Queue();
        var jobs = new StandaloneJobs();
        var options = Options(Id("sa-flaky"), queue);
        options.RetryPolicy = Fast();
        var handle = await Client.StartActivityAsync("Flaky", new object?[] { 3 }, options);
        var result = await WithJobsAsync(queue, jobs, () => handle.GetResultAsync<string>());
        // Attempt 3 saw the heartbeat attempt 2 recorded before it failed.
        Assert.Equal("ok on attempt 3 after progress-2", result);
        Assert.Equal(3, jobs.Runs);
        var d = await DescribeAsync(handle);
        Assert.Equal(ActivityExecutionStatus.Completed, d.Status);
        Assert.Equal(3, d.Attempt);
        Assert.True(d.HasLastFailure);
    }

    [Fact]
    public async Task NonRetryableFailureEndsTheActivityAtOnce()
    {
        var queue = Queue();
        var jobs = new StandaloneJobs();
        var options = Options(Id("sa-broken"), queue);
        options.RetryPolicy = Fast();
        var handle = await Client.StartActivityAsync("Broken", Array.Empty<object?>(), options);
        var ex = await WithJobsAsync(queue, jobs, () => Assert.ThrowsAsync<ActivityFailedException>(() => handle.GetResultAsync<string>()));
        var app = Assert.IsType<ApplicationFailureException>(ex.InnerException);
        Assert.Equal("broken for good", app.Message);
        Assert.Equal("Broken", app.ErrorType);
        Assert.Equal(1, jobs.Runs);
        var d = await DescribeAsync(handle);
        Assert.Equal(ActivityExecutionStatus.Failed, d.Status);
        Assert.Equal(RetryState.NonRetryableFailure, d.RawOutcome!.RetryState);
    }

    [Fact]
    public async Task MaximumAttemptsEndTheRetries()
    {
        var queue = Queue();
        var jobs = new StandaloneJobs();
        var options = Options(Id("sa-max-attempts"), queue);
        options.RetryPolicy = Fast(maximumAttempts: 2);
        var handle = await Client.StartActivityAsync("Flaky", new object?[] { 10 }, options);
        var ex = await WithJobsAsync(queue, jobs, () => Assert.ThrowsAsync<ActivityFailedException>(() => handle.GetResultAsync<string>()));
        Assert.Equal("attempt 2 failed", Assert.IsType<ApplicationFailureException>(ex.InnerException).Message);
        Assert.Equal(2, jobs.Runs);
        var d = await DescribeAsync(handle);
        Assert.Equal(ActivityExecutionStatus.Failed, d.Status);
        Assert.Equal(2, d.Attempt);
        Assert.Equal(RetryState.MaximumAttemptsReached, d.RawOutcome!.RetryState);
    }

    [Fact]
    public async Task StartToCloseTimeoutEndsEachAttemptAndIsRetried()
    {
        var queue = Queue();
        var jobs = new StandaloneJobs();
        var options = Options(Id("sa-s2c"), queue, TimeSpan.FromSeconds(1));
        options.RetryPolicy = Fast(maximumAttempts: 2);
        var handle = await Client.StartActivityAsync("Sleep", new object?[] { 30_000 }, options);
        var ex = await WithJobsAsync(queue, jobs, () => Assert.ThrowsAsync<ActivityFailedException>(() => handle.GetResultAsync<string>()));
        Assert.Equal(TimeoutType.StartToClose, Assert.IsType<TimeoutFailureException>(ex.InnerException).TimeoutType);
        Assert.Equal(2, jobs.Runs);
        var d = await DescribeAsync(handle);
        Assert.Equal(ActivityExecutionStatus.TimedOut, d.Status);
        Assert.Equal(2, d.Attempt);
    }

    [Fact]
    public async Task ScheduleToCloseTimeoutEndsTheActivityDespiteRetriesLeft()
    {
        var queue = Queue();
        var jobs = new StandaloneJobs();
        var options = new Temporalio.Client.StartActivityOptions(Id("sa-sc"), queue)
        {
            ScheduleToCloseTimeout = TimeSpan.FromSeconds(2),
            RetryPolicy = Fast(),
        };
        var handle = await Client.StartActivityAsync("Sleep", new object?[] { 30_000 }, options);
        var ex = await WithJobsAsync(queue, jobs, () => Assert.ThrowsAsync<ActivityFailedException>(() => handle.GetResultAsync<string>()));
        Assert.Equal(TimeoutType.ScheduleToClose, Assert.IsType<TimeoutFailureException>(ex.InnerException).TimeoutType);
        Assert.Equal(ActivityExecutionStatus.TimedOut, (await DescribeAsync(handle)).Status);
    }

    [Fact]
    public async Task HeartbeatTimeoutEndsAnAttemptThatStopsHeartbeating()
    {
        var queue = Queue();
        var jobs = new StandaloneJobs();
        var options = Options(Id("sa-hb"), queue);
        options.HeartbeatTimeout = TimeSpan.FromSeconds(1);
        options.RetryPolicy = Fast(maximumAttempts: 1);
        var handle = await Client.StartActivityAsync("Sleep", new object?[] { 30_000 }, options);
        var ex = await WithJobsAsync(queue, jobs, () => Assert.ThrowsAsync<ActivityFailedException>(() => handle.GetResultAsync<string>()));
        Assert.Equal(TimeoutType.Heartbeat, Assert.IsType<TimeoutFailureException>(ex.InnerException).TimeoutType);
    }

    [Fact]
    public async Task ScheduleToStartTimeoutEndsAnActivityNoWorkerTakes()
    {
        var options = Options(Id("sa-s2s"), Queue());
        options.ScheduleToStartTimeout = TimeSpan.FromMilliseconds(500);
        var handle = await Client.StartActivityAsync("Greet", new object?[] { "nobody" }, options);
        var ex = await Assert.ThrowsAsync<ActivityFailedException>(() => handle.GetResultAsync<string>().WaitAsync(ResultTimeout));
        Assert.Equal(TimeoutType.ScheduleToStart, Assert.IsType<TimeoutFailureException>(ex.InnerException).TimeoutType);
        var d = await DescribeAsync(handle);
        Assert.Equal(ActivityExecutionStatus.TimedOut, d.Status);
        Assert.Null(d.LastStartedTime);
    }
}
