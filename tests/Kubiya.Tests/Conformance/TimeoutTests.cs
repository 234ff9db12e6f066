using Kubiya.Tests.Infrastructure;
using Temporalio.Activities;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Common;
using Temporalio.Exceptions;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance;

/// <summary>Activity timeouts (heartbeat, start-to-close, schedule-to-close, schedule-to-start) and the workflow run timeout.</summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class TimeoutTests(ServerFixture fx) : ConformanceTest(fx)
{
    public sealed class SlowActivities
    {
        /// <summary>Attempt 1 heartbeats once and then goes silent; later attempts report what they inherited.</summary>
        [Activity]
        public async Task<string> HeartbeatOnceThenStall()
        {
            var ctx = ActivityExecutionContext.Current;
            if (ctx.Info.Attempt == 1)
            {
                ctx.Heartbeat("progress-from-attempt-1");
                await Task.Delay(Timeout.Infinite, ctx.CancellationToken);
            }
            var inherited = ctx.Info.HeartbeatDetails.Count > 0 ? await ctx.Info.HeartbeatDetailAtAsync<string>(0) : "none";
            return $"attempt {ctx.Info.Attempt} saw {inherited}";
        }

        [Activity]
        public async Task<string> Stall()
        {
            await Task.Delay(Timeout.Infinite, ActivityExecutionContext.Current.CancellationToken);
            return "unreachable";
        }
    }

    /// <summary>Activity options as plain data, so one workflow covers every timeout.</summary>
    public sealed record Plan(string Activity, double StartToCloseSec = 0, double ScheduleToCloseSec = 0,
        double ScheduleToStartSec = 0, double HeartbeatSec = 0, int MaximumAttempts = 0, string? TaskQueue = null);

    [Workflow]
    public sealed class TimedActivityWorkflow
    {
        private static TimeSpan? Sec(double s) => s > 0 ? TimeSpan.FromSeconds(s) : null;

        [WorkflowRun]
        public Task<string> RunAsync(Plan p) =>
            Workflow.ExecuteActivityAsync<string>(p.Activity, Array.Empty<object?>(), new()
            {
                StartToCloseTimeout = Sec(p.StartToCloseSec),
                ScheduleToCloseTimeout = Sec(p.ScheduleToCloseSec),
                ScheduleToStartTimeout = Sec(p.ScheduleToStartSec),
                HeartbeatTimeout = Sec(p.HeartbeatSec),
                TaskQueue = p.TaskQueue,
                RetryPolicy = new() { InitialInterval = TimeSpan.FromMilliseconds(100), BackoffCoefficient = 1, MaximumAttempts = p.MaximumAttempts },
            });
    }

    [Workflow]
    public sealed class SleepyWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync()
        {
            await Workflow.DelayAsync(TimeSpan.FromHours(1));
            return "woke up";
        }
    }

    public sealed class LocalActivities
    {
        [Activity]
        public async Task<string> Slow(int ms)
        {
            await Task.Delay(ms, ActivityExecutionContext.Current.CancellationToken);
            return $"slept {ms} ms";
        }
    }

    /// <summary>Runs one local activity that outlasts the workflow task timeout; answers a query meanwhile.</summary>
    [Workflow]
    public sealed class LongLocalActivityWorkflow
    {
        [WorkflowQuery]
        public string Phase { get; private set; } = "starting";

        [WorkflowRun]
        public async Task<string> RunAsync(int ms)
        {
            Phase = "running the local activity";
            var result = await Workflow.ExecuteLocalActivityAsync((LocalActivities a) => a.Slow(ms), new() { StartToCloseTimeout = TimeSpan.FromMinutes(1) });
            Phase = "done";
            return result;
        }
    }

    private TemporalWorkerOptions Options(string queue) => new TemporalWorkerOptions(queue)
        .AddWorkflow<TimedActivityWorkflow>().AddWorkflow<SleepyWorkflow>().AddWorkflow<LongLocalActivityWorkflow>()
        .AddAllActivities(new SlowActivities()).AddAllActivities(new LocalActivities());

    private Task<string> RunPlanAsync(string queue, Plan plan) =>
        Client.ExecuteWorkflowAsync((TimedActivityWorkflow wf) => wf.RunAsync(plan), new(Id("timeout"), queue));

    [Fact]
    public async Task HeartbeatTimeoutRetriesAndTheNextAttemptSeesTheLastHeartbeat()
    {
        var queue = Id("hb");
        var result = await WithWorkerAsync(Options(queue), () =>
            RunPlanAsync(queue, new Plan("HeartbeatOnceThenStall", StartToCloseSec: 60, HeartbeatSec: 2)));
        Assert.Equal("attempt 2 saw progress-from-attempt-1", result);
    }

    [Fact]
    public async Task HeartbeatTimeoutWithoutRetriesFailsWithHeartbeatTimeout()
    {
        var queue = Id("hb");
        var ex = await WithWorkerAsync(Options(queue), () => Assert.ThrowsAsync<WorkflowFailedException>(() =>
            RunPlanAsync(queue, new Plan("HeartbeatOnceThenStall", StartToCloseSec: 60, HeartbeatSec: 2, MaximumAttempts: 1))));
        var activity = Assert.IsType<ActivityFailureException>(ex.InnerException);
        var timeout = Assert.IsType<TimeoutFailureException>(activity.InnerException);
        Assert.Equal(TimeoutType.Heartbeat, timeout.TimeoutType);
        Assert.Equal("progress-from-attempt-1", timeout.LastHeartbeatDetails!.ElementAt<string>(0));
    }

    [Fact]
    public async Task StartToCloseTimeoutFailsTheActivity()
    {
        var queue = Id("s2c");
        var ex = await WithWorkerAsync(Options(queue), () => Assert.ThrowsAsync<WorkflowFailedException>(() =>
            RunPlanAsync(queue, new Plan("Stall", StartToCloseSec: 1, MaximumAttempts: 1))));
        var activity = Assert.IsType<ActivityFailureException>(ex.InnerException);
        Assert.Equal(TimeoutType.StartToClose, Assert.IsType<TimeoutFailureException>(activity.InnerException).TimeoutType);
        Assert.Equal(RetryState.MaximumAttemptsReached, activity.RetryState);
    }

    [Fact]
    public async Task ScheduleToCloseTimeoutEndsTheActivityDespiteRetriesLeft()
    {
        var queue = Id("sc");
        var ex = await WithWorkerAsync(Options(queue), () => Assert.ThrowsAsync<WorkflowFailedException>(() =>
            RunPlanAsync(queue, new Plan("Stall", ScheduleToCloseSec: 2))));
        var activity = Assert.IsType<ActivityFailureException>(ex.InnerException);
        Assert.Equal(TimeoutType.ScheduleToClose, Assert.IsType<TimeoutFailureException>(activity.InnerException).TimeoutType);
    }

    [Fact]
    public async Task ScheduleToStartTimeoutFiresWhenNoWorkerPollsTheActivityQueue()
    {
        var queue = Id("s2s");
        var ex = await WithWorkerAsync(Options(queue), () => Assert.ThrowsAsync<WorkflowFailedException>(() =>
            RunPlanAsync(queue, new Plan("Stall", StartToCloseSec: 10, ScheduleToStartSec: 1, TaskQueue: Id("nobody-polls")))));
        var activity = Assert.IsType<ActivityFailureException>(ex.InnerException);
        Assert.Equal(TimeoutType.ScheduleToStart, Assert.IsType<TimeoutFailureException>(activity.InnerException).TimeoutType);
    }

    [Fact]
    public async Task LocalActivityLongerThanTheWorkflowTaskTimeoutKeepsTheTaskAliveAndAnswersQueries()
    {
        var queue = Id("local-long");
        var (result, phase, handle) = await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((LongLocalActivityWorkflow wf) => wf.RunAsync(6000),
                new(Id("local-long"), queue) { TaskTimeout = TimeSpan.FromSeconds(5) });
            // Asked while the workflow task is held open by the local activity: answered, not lost.
            var p = await EventuallyAsync(() => h.QueryAsync(wf => wf.Phase), x => x != "starting", "a query answer during the local activity");
            return (await h.GetResultAsync(), p, h);
        });
        Assert.Equal("slept 6000 ms", result);
        Assert.Contains(phase, new[] { "running the local activity", "done" });
        var events = await HistoryAsync(handle);
        // The worker heartbeats the task by completing it and asking for a new one; none times out.
        Assert.True(events.Count(e => e.EventType == EventType.WorkflowTaskCompleted) >= 2);
        Assert.DoesNotContain(events, e => e.EventType == EventType.WorkflowTaskTimedOut);
        Assert.Contains(events, e => e.EventType == EventType.MarkerRecorded);
    }

    [Fact]
    public async Task WorkflowRunTimeoutTimesTheWorkflowOut()
    {
        var queue = Id("run-timeout");
        var handle = await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((SleepyWorkflow wf) => wf.RunAsync(),
                new(Id("sleepy"), queue) { RunTimeout = TimeSpan.FromSeconds(2) });
            var ex = await Assert.ThrowsAsync<WorkflowFailedException>(() => h.GetResultAsync());
            Assert.IsType<TimeoutFailureException>(ex.InnerException);
            return h;
        });
        var desc = await handle.DescribeAsync();
        Assert.Equal(WorkflowExecutionStatus.TimedOut, desc.Status);
        Assert.Equal(EventType.WorkflowExecutionTimedOut, (await HistoryAsync(handle))[^1].EventType);
    }
}
