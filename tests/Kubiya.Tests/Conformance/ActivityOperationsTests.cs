using Google.Protobuf.WellKnownTypes;
using Kubiya.Tests.Infrastructure;
using Temporalio.Activities;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;
using Temporalio.Exceptions;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance;

/// <summary>
/// Temporal's activity operations, driven through the WorkflowService API as the CLI and UI do:
/// pause, unpause, reset and update options, with pause and reset reaching a running attempt
/// through its heartbeat.
/// </summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class ActivityOperationsTests(ServerFixture fx) : ConformanceTest(fx)
{
    /// <summary>How the activities of one test behave, and what they saw.</summary>
    public sealed class Activities
    {
        private int runs;
        public int Runs => Volatile.Read(ref runs);
        public TaskCompletionSource Running { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource<ActivityCancellationDetails?> Interrupted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        /// <summary>Attempts below this fail at once.</summary>
        public int FailBelowAttempt { get; set; }
        /// <summary>Runs from this one on heartbeat until interrupted; earlier ones succeed.</summary>
        public int HeartbeatFromRun { get; set; } = int.MaxValue;
        /// <summary>Runs from this one on succeed at once.</summary>
        public int SucceedFromRun { get; set; } = 1;

        [Activity]
        public async Task<string> Work()
        {
            var ctx = ActivityExecutionContext.Current;
            var run = Interlocked.Increment(ref runs);
            var attempt = ctx.Info.Attempt;
            if (run >= SucceedFromRun && run < HeartbeatFromRun && attempt >= FailBelowAttempt)
                return $"attempt {attempt} after {run} runs";
            if (run >= HeartbeatFromRun && !Interrupted.Task.IsCompleted)
            {
                Running.TrySetResult();
                try
                {
                    while (true)
                    {
                        ctx.Heartbeat(run);
                        await Task.Delay(100, ctx.CancellationToken);
                    }
                }
                catch (OperationCanceledException)
                {
                    Interrupted.TrySetResult(ctx.CancellationDetails);
                    throw;
                }
            }
            if (run >= HeartbeatFromRun) return $"attempt {attempt} after {run} runs";
            throw new ApplicationFailureException($"attempt {attempt} fails");
        }
    }

    /// <summary>Options as data, so one workflow serves every test.</summary>
    public sealed record Plan(string? TaskQueue = null, double InitialIntervalSec = 0.1, int MaximumAttempts = 0);

    [Workflow("ActivityOpsWorkflow")]
    public sealed class OneActivityWorkflow
    {
        [WorkflowRun]
        public Task<string> RunAsync(Plan p) =>
            Workflow.ExecuteActivityAsync((Activities a) => a.Work(), new()
            {
                ActivityId = "work",
                TaskQueue = p.TaskQueue,
                StartToCloseTimeout = TimeSpan.FromMinutes(2),
                HeartbeatTimeout = TimeSpan.FromSeconds(20),
                RetryPolicy = new() { InitialInterval = TimeSpan.FromSeconds(p.InitialIntervalSec), BackoffCoefficient = 1, MaximumAttempts = p.MaximumAttempts },
            });
    }

    private static TemporalWorkerOptions Options(string queue, Activities acts) => new TemporalWorkerOptions(queue)
    {
        MaxHeartbeatThrottleInterval = TimeSpan.FromMilliseconds(200),
        DefaultHeartbeatThrottleInterval = TimeSpan.FromMilliseconds(200),
    }.AddWorkflow<OneActivityWorkflow>().AddAllActivities(acts);

    private WorkflowService Service => Client.Connection.WorkflowService;

    private Temporalio.Api.Common.V1.WorkflowExecution Exec(WorkflowHandle h) => new() { WorkflowId = h.Id };

    private async Task<Temporalio.Api.Workflow.V1.PendingActivityInfo> PendingAsync(WorkflowHandle h) =>
        Assert.Single((await DescribeRawAsync(h.Id)).PendingActivities);

    private async Task<Temporalio.Api.Workflow.V1.PendingActivityInfo?> PendingOrNullAsync(WorkflowHandle h) =>
        (await DescribeRawAsync(h.Id)).PendingActivities.FirstOrDefault();

    private Task PauseAsync(WorkflowHandle h, string reason = "downstream maintenance") =>
        Service.PauseActivityAsync(new PauseActivityRequest { Namespace = Fx.Namespace, Execution = Exec(h), Id = "work", Identity = "operator-1", Reason = reason });

    private Task UnpauseAsync(WorkflowHandle h) =>
        Service.UnpauseActivityAsync(new UnpauseActivityRequest { Namespace = Fx.Namespace, Execution = Exec(h), Id = "work" });

    // ---- pause / unpause ----

    [Fact]
    public async Task PauseReachesARunningActivityThroughItsHeartbeatAndNoRetryRunsUntilUnpause()
    {
        var queue = Id("ops");
        var acts = new Activities { HeartbeatFromRun = 1 };
        var (result, handle) = await WithWorkerAsync(Options(queue, acts), async () =>
        {
            var h = await Client.StartWorkflowAsync((OneActivityWorkflow wf) => wf.RunAsync(new Plan()), new(Id("pause-running"), queue));
            await acts.Running.Task;
            await PauseAsync(h);
            var details = await acts.Interrupted.Task;
            Assert.True(details?.IsPaused, "the activity was not told it is paused");
            var paused = await EventuallyAsync(() => PendingAsync(h), p => p.State == PendingActivityState.Paused, "the activity to rest paused");
            Assert.True(paused.Paused);
            Assert.Equal(2, paused.Attempt);
            Assert.Equal("downstream maintenance", paused.PauseInfo.Manual.Reason);
            Assert.Equal("operator-1", paused.PauseInfo.Manual.Identity);
            // Its retry would have run after 0.1 s: paused, none does.
            await Task.Delay(1500);
            Assert.Equal(1, acts.Runs);
            await UnpauseAsync(h);
            return (await h.GetResultAsync(), h);
        });
        Assert.Equal("attempt 2 after 2 runs", result);
        // The workflow never hears of it: no event records a pause.
        Assert.DoesNotContain(await HistoryAsync(handle), e => e.EventType is EventType.ActivityTaskFailed or EventType.ActivityTaskTimedOut);
    }

    [Fact]
    public async Task PausedScheduledActivityIsNotDispatchedUntilUnpaused()
    {
        var queue = Id("ops");
        var activityQueue = Id("ops-later");
        var acts = new Activities();
        await WithWorkerAsync(Options(queue, acts), async () =>
        {
            var h = await Client.StartWorkflowAsync((OneActivityWorkflow wf) => wf.RunAsync(new Plan(activityQueue)), new(Id("pause-scheduled"), queue));
            await EventuallyAsync(() => DescribeRawAsync(h.Id), d => d.PendingActivities.Count == 1, "the activity to be scheduled");
            await PauseAsync(h);
            Assert.Equal(PendingActivityState.Paused, (await PendingAsync(h)).State);
            using var activityWorker = new TemporalWorker(Client, new TemporalWorkerOptions(activityQueue).AddAllActivities(acts));
            await activityWorker.ExecuteAsync(async () =>
            {
                await Task.Delay(1500);
                Assert.Equal(0, acts.Runs);
                await UnpauseAsync(h);
                Assert.Equal("attempt 1 after 1 runs", await h.GetResultAsync());
            });
        });
    }

    [Fact]
    public async Task PauseTwiceKeepsTheFirstPauseAndUnpauseOfARunningActivityChangesNothing()
    {
        var queue = Id("ops");
        var acts = new Activities { HeartbeatFromRun = 1 };
        await WithWorkerAsync(Options(queue, acts), async () =>
        {
            var h = await Client.StartWorkflowAsync((OneActivityWorkflow wf) => wf.RunAsync(new Plan(Id("nobody"))), new(Id("pause-twice"), queue));
            await EventuallyAsync(() => DescribeRawAsync(h.Id), d => d.PendingActivities.Count == 1, "the activity to be scheduled");
            await UnpauseAsync(h); // not paused: nothing happens
            Assert.False((await PendingAsync(h)).Paused);
            await PauseAsync(h, "first");
            await PauseAsync(h, "second");
            var p = await PendingAsync(h);
            Assert.True(p.Paused);
            Assert.Equal("first", p.PauseInfo.Manual.Reason);
            await h.TerminateAsync("done");
        });
    }

    [Fact]
    public async Task OperationsOnAMissingActivityOrAClosedRunAreNotFound()
    {
        var queue = Id("ops");
        var acts = new Activities();
        var h = await WithWorkerAsync(Options(queue, acts), async () =>
        {
            var h = await Client.StartWorkflowAsync((OneActivityWorkflow wf) => wf.RunAsync(new Plan(Id("nobody"))), new(Id("ops-missing"), queue));
            await EventuallyAsync(() => DescribeRawAsync(h.Id), d => d.PendingActivities.Count == 1, "the activity to be scheduled");
            var missing = await Assert.ThrowsAsync<RpcException>(() => Service.PauseActivityAsync(new PauseActivityRequest
            {
                Namespace = Fx.Namespace, Execution = Exec(h), Id = "no-such-activity",
            }));
            Assert.Equal(RpcException.StatusCode.NotFound, missing.Code);
            await h.TerminateAsync("done");
            return h;
        });
        var closed = await Assert.ThrowsAsync<RpcException>(() => UnpauseAsync(h));
        Assert.Equal(RpcException.StatusCode.NotFound, closed.Code);
    }

    [Fact]
    public async Task PauseByTypeAndUnpauseAllReachEveryPendingActivityOfTheRun()
    {
        var queue = Id("ops");
        var acts = new Activities();
        await WithWorkerAsync(Options(queue, acts), async () =>
        {
            var h = await Client.StartWorkflowAsync((OneActivityWorkflow wf) => wf.RunAsync(new Plan(Id("nobody"))), new(Id("pause-type"), queue));
            await EventuallyAsync(() => DescribeRawAsync(h.Id), d => d.PendingActivities.Count == 1, "the activity to be scheduled");
            await Service.PauseActivityAsync(new PauseActivityRequest { Namespace = Fx.Namespace, Execution = Exec(h), Type = "Work" });
            Assert.True((await PendingAsync(h)).Paused);
            await Service.UnpauseActivityAsync(new UnpauseActivityRequest { Namespace = Fx.Namespace, Execution = Exec(h), UnpauseAll = true });
            Assert.False((await PendingAsync(h)).Paused);
            await h.TerminateAsync("done");
        });
    }

    // ---- reset ----

    [Fact]
    public async Task ResetReachesARunningAttemptThroughItsHeartbeatAndTheNextAttemptIsTheFirst()
    {
        var queue = Id("ops");
        // Attempts 1 and 2 fail; attempt 3 heartbeats until interrupted.
        var acts = new Activities { FailBelowAttempt = int.MaxValue, HeartbeatFromRun = 3 };
        var result = await WithWorkerAsync(Options(queue, acts), async () =>
        {
            var h = await Client.StartWorkflowAsync((OneActivityWorkflow wf) => wf.RunAsync(new Plan()), new(Id("reset-running"), queue));
            await acts.Running.Task;
            Assert.Equal(3, (await PendingAsync(h)).Attempt);
            await Service.ResetActivityAsync(new ResetActivityRequest { Namespace = Fx.Namespace, Execution = Exec(h), Id = "work" });
            var details = await acts.Interrupted.Task;
            Assert.True(details?.IsReset, "the activity was not told it was reset");
            return await h.GetResultAsync();
        });
        Assert.Equal("attempt 1 after 4 runs", result);
    }

    [Fact]
    public async Task ResetOfAnActivityWaitingOutItsBackoffDispatchesAttemptOneAtOnce()
    {
        var queue = Id("ops");
        // Run 1 fails; the retry waits an hour; after the reset, run 2 succeeds as attempt 1.
        var acts = new Activities { FailBelowAttempt = int.MaxValue, SucceedFromRun = 2 };
        var result = await WithWorkerAsync(Options(queue, acts), async () =>
        {
            var h = await Client.StartWorkflowAsync((OneActivityWorkflow wf) => wf.RunAsync(new Plan(null, 3600)), new(Id("reset-backoff"), queue));
            var waiting = await EventuallyAsync(() => PendingOrNullAsync(h), p => p?.Attempt == 2, "the first attempt to fail");
            Assert.True(waiting.NextAttemptScheduleTime.ToDateTime() > DateTime.UtcNow.AddMinutes(30));
            acts.FailBelowAttempt = 0;
            await Service.ResetActivityAsync(new ResetActivityRequest { Namespace = Fx.Namespace, Execution = Exec(h), Id = "work" });
            return await h.GetResultAsync();
        });
        Assert.Equal("attempt 1 after 2 runs", result);
    }

    [Fact]
    public async Task ResetWithKeepPausedRestartsTheCountButStaysPaused()
    {
        var queue = Id("ops");
        var acts = new Activities { FailBelowAttempt = int.MaxValue };
        await WithWorkerAsync(Options(queue, acts), async () =>
        {
            var h = await Client.StartWorkflowAsync((OneActivityWorkflow wf) => wf.RunAsync(new Plan(null, 3600)), new(Id("reset-keep"), queue));
            await EventuallyAsync(() => PendingOrNullAsync(h), p => p?.Attempt == 2, "the first attempt to fail");
            await PauseAsync(h);
            await Service.ResetActivityAsync(new ResetActivityRequest { Namespace = Fx.Namespace, Execution = Exec(h), Id = "work", KeepPaused = true, ResetHeartbeat = true });
            var p = await PendingAsync(h);
            Assert.Equal(1, p.Attempt);
            Assert.True(p.Paused);
            Assert.Equal(PendingActivityState.Paused, p.State);
            await Task.Delay(1000);
            Assert.Equal(1, acts.Runs);
            await h.TerminateAsync("done");
        });
    }

    // ---- update options ----

    [Fact]
    public async Task UpdateOptionsChangesTheNamedFieldsShowsThemInDescribeAndCanRestoreTheOriginals()
    {
        var queue = Id("ops");
        var acts = new Activities();
        await WithWorkerAsync(Options(queue, acts), async () =>
        {
            var h = await Client.StartWorkflowAsync((OneActivityWorkflow wf) => wf.RunAsync(new Plan(Id("nobody"))), new(Id("update-opts"), queue));
            await EventuallyAsync(() => DescribeRawAsync(h.Id), d => d.PendingActivities.Count == 1, "the activity to be scheduled");
            var resp = await Service.UpdateActivityOptionsAsync(new UpdateActivityOptionsRequest
            {
                Namespace = Fx.Namespace,
                Execution = Exec(h),
                Id = "work",
                ActivityOptions = new()
                {
                    StartToCloseTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(45)),
                    HeartbeatTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(7)),
                    RetryPolicy = new() { MaximumAttempts = 9 },
                },
                UpdateMask = new FieldMask { Paths = { "start_to_close_timeout", "heartbeat_timeout", "retry_policy.maximum_attempts" } },
            });
            Assert.Equal(TimeSpan.FromSeconds(45), resp.ActivityOptions.StartToCloseTimeout.ToTimeSpan());
            Assert.Equal(9, resp.ActivityOptions.RetryPolicy.MaximumAttempts);
            // Only the named retry field changed.
            Assert.Equal(TimeSpan.FromMilliseconds(100), resp.ActivityOptions.RetryPolicy.InitialInterval.ToTimeSpan());
            var p = await PendingAsync(h);
            Assert.Equal(TimeSpan.FromSeconds(7), p.ActivityOptions.HeartbeatTimeout.ToTimeSpan());
            Assert.Equal(9, p.MaximumAttempts);
            var restored = await Service.UpdateActivityOptionsAsync(new UpdateActivityOptionsRequest
            {
                Namespace = Fx.Namespace, Execution = Exec(h), Id = "work", RestoreOriginal = true,
            });
            Assert.Equal(TimeSpan.FromMinutes(2), restored.ActivityOptions.StartToCloseTimeout.ToTimeSpan());
            Assert.Equal(0, restored.ActivityOptions.RetryPolicy.MaximumAttempts);
            await h.TerminateAsync("done");
        });
    }

    [Fact]
    public async Task UpdateOptionsMovesAScheduledActivityToAnotherTaskQueue()
    {
        var queue = Id("ops");
        var acts = new Activities();
        var result = await WithWorkerAsync(Options(queue, acts), async () =>
        {
            var h = await Client.StartWorkflowAsync((OneActivityWorkflow wf) => wf.RunAsync(new Plan(Id("nobody"))), new(Id("update-queue"), queue));
            await EventuallyAsync(() => DescribeRawAsync(h.Id), d => d.PendingActivities.Count == 1, "the activity to be scheduled");
            await Service.UpdateActivityOptionsAsync(new UpdateActivityOptionsRequest
            {
                Namespace = Fx.Namespace,
                Execution = Exec(h),
                Id = "work",
                ActivityOptions = new() { TaskQueue = new() { Name = queue } },
                UpdateMask = new FieldMask { Paths = { "task_queue.name" } },
            });
            return await h.GetResultAsync();
        });
        Assert.Equal("attempt 1 after 1 runs", result);
    }

    [Fact]
    public async Task UpdateOptionsRejectsAFieldItCannotChange()
    {
        var queue = Id("ops");
        await WithWorkerAsync(Options(queue, new()), async () =>
        {
            var h = await Client.StartWorkflowAsync((OneActivityWorkflow wf) => wf.RunAsync(new Plan(Id("nobody"))), new(Id("update-bad"), queue));
            await EventuallyAsync(() => DescribeRawAsync(h.Id), d => d.PendingActivities.Count == 1, "the activity to be scheduled");
            var ex = await Assert.ThrowsAsync<RpcException>(() => Service.UpdateActivityOptionsAsync(new UpdateActivityOptionsRequest
            {
                Namespace = Fx.Namespace,
                Execution = Exec(h),
                Id = "work",
                ActivityOptions = new(),
                UpdateMask = new FieldMask { Paths = { "activity_type" } },
            }));
            Assert.Equal(RpcException.StatusCode.InvalidArgument, ex.Code);
            await h.TerminateAsync("done");
        });
    }
}
