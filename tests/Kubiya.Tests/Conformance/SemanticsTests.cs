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
/// Behaviours where a Temporal program notices the server's exact semantics: cancelling a closed
/// run, the close-event long poll, the gRPC health service, when ActivityTaskStarted reaches
/// history, replay after a sticky reset, and which timeout ends an activity near its deadline.
/// </summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class SemanticsTests(ServerFixture fx) : ConformanceTest(fx)
{
    public sealed class Activities
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Heartbeats until released (returns) or cancelled (rethrows).</summary>
        [Activity]
        public async Task<string> WaitForRelease()
        {
            var ctx = ActivityExecutionContext.Current;
            Started.TrySetResult();
            while (!Release.Task.IsCompleted)
            {
                ctx.Heartbeat();
                await Task.WhenAny(Release.Task, Task.Delay(200, ctx.CancellationToken));
                ctx.CancellationToken.ThrowIfCancellationRequested();
            }
            return "released";
        }

        [Activity]
        public string Echo(string s) => s;

        [Activity]
        public async Task<string> Stall()
        {
            await Task.Delay(Timeout.Infinite, ActivityExecutionContext.Current.CancellationToken);
            return "unreachable";
        }
    }

    [Workflow("SemanticsWaitForSignal")]
    public sealed class WaitForSignalWorkflow
    {
        private string? value;

        [WorkflowRun]
        public async Task<string> RunAsync()
        {
            await Workflow.WaitConditionAsync(() => value != null);
            return value!;
        }

        [WorkflowSignal]
        public Task SetAsync(string v)
        {
            value = v;
            return Task.CompletedTask;
        }
    }

    /// <summary>Runs one activity and returns its result.</summary>
    [Workflow("SemanticsOneActivity")]
    public sealed class OneActivityWorkflow
    {
        [WorkflowRun]
        public Task<string> RunAsync() =>
            Workflow.ExecuteActivityAsync((Activities a) => a.WaitForRelease(), new()
            {
                StartToCloseTimeout = TimeSpan.FromMinutes(2),
                HeartbeatTimeout = TimeSpan.FromSeconds(20),
            });
    }

    /// <summary>Schedules an activity, cancels it after a signal, and reports how it ended.</summary>
    [Workflow("SemanticsCancelActivity")]
    public sealed class CancelActivityWorkflow
    {
        private bool cancel;

        [WorkflowRun]
        public async Task<string> RunAsync(string? taskQueue)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(Workflow.CancellationToken);
            var activity = Workflow.ExecuteActivityAsync((Activities a) => a.WaitForRelease(), new()
            {
                StartToCloseTimeout = TimeSpan.FromMinutes(2),
                HeartbeatTimeout = TimeSpan.FromSeconds(20),
                TaskQueue = taskQueue,
                CancellationToken = cts.Token,
                CancellationType = ActivityCancellationType.WaitCancellationCompleted,
            });
            await Workflow.WaitConditionAsync(() => cancel);
            cts.Cancel();
            try
            {
                return await activity;
            }
            catch (ActivityFailureException e) when (e.InnerException is CanceledFailureException)
            {
                return "activity cancelled";
            }
        }

        [WorkflowSignal]
        public Task CancelAsync()
        {
            cancel = true;
            return Task.CompletedTask;
        }
    }

    /// <summary>Activity, signal, timer, activity: enough kinds of events for a replay to check.</summary>
    [Workflow("SemanticsMixed")]
    public sealed class MixedWorkflow
    {
        private readonly List<string> signals = new();

        [WorkflowRun]
        public async Task<string> RunAsync()
        {
            var first = await Workflow.ExecuteActivityAsync((Activities a) => a.Echo("one"), new() { StartToCloseTimeout = TimeSpan.FromMinutes(1) });
            await Workflow.WaitConditionAsync(() => signals.Count >= 1);
            await Workflow.DelayAsync(TimeSpan.FromMilliseconds(100));
            await Workflow.WaitConditionAsync(() => signals.Count >= 2);
            var last = await Workflow.ExecuteActivityAsync((Activities a) => a.Echo("two"), new() { StartToCloseTimeout = TimeSpan.FromMinutes(1) });
            return $"{first}+{string.Join("+", signals)}+{last}";
        }

        [WorkflowSignal]
        public Task AddAsync(string s)
        {
            signals.Add(s);
            return Task.CompletedTask;
        }

        [WorkflowQuery]
        public int Signals => signals.Count;
    }

    /// <summary>One activity whose every attempt times out start-to-close, with a schedule-to-close budget.</summary>
    [Workflow("SemanticsDeadline")]
    public sealed class DeadlineWorkflow
    {
        [WorkflowRun]
        public Task<string> RunAsync(double startToCloseSec, double scheduleToCloseSec) =>
            Workflow.ExecuteActivityAsync((Activities a) => a.Stall(), new()
            {
                StartToCloseTimeout = TimeSpan.FromSeconds(startToCloseSec),
                ScheduleToCloseTimeout = TimeSpan.FromSeconds(scheduleToCloseSec),
                RetryPolicy = new() { InitialInterval = TimeSpan.FromSeconds(1), BackoffCoefficient = 1 },
            });
    }

    private static TemporalWorkerOptions Options(string queue, Activities acts) => new TemporalWorkerOptions(queue)
    {
        MaxHeartbeatThrottleInterval = TimeSpan.FromMilliseconds(500),
    }
        .AddWorkflow<WaitForSignalWorkflow>().AddWorkflow<OneActivityWorkflow>().AddWorkflow<CancelActivityWorkflow>()
        .AddWorkflow<MixedWorkflow>().AddWorkflow<DeadlineWorkflow>().AddAllActivities(acts);

    private static async Task AssertReplaysAsync(WorkflowHandle handle)
    {
        var history = await handle.FetchHistoryAsync();
        var replayer = new WorkflowReplayer(new WorkflowReplayerOptions()
            .AddWorkflow<WaitForSignalWorkflow>().AddWorkflow<OneActivityWorkflow>().AddWorkflow<CancelActivityWorkflow>()
            .AddWorkflow<MixedWorkflow>().AddWorkflow<DeadlineWorkflow>());
        var result = await replayer.ReplayWorkflowAsync(history, throwOnReplayFailure: false);
        Assert.Null(result.ReplayFailure);
    }

    // ---- RequestCancelWorkflowExecution on a closed run ----

    [Fact]
    public async Task CancellingARunThatAlreadyClosedSucceedsAndChangesNothing()
    {
        var queue = Id("sem");
        var handle = await WithWorkerAsync(Options(queue, new()), async () =>
        {
            var h = await Client.StartWorkflowAsync((WaitForSignalWorkflow wf) => wf.RunAsync(), new(Id("closed"), queue));
            await h.SignalAsync(wf => wf.SetAsync("done"));
            Assert.Equal("done", await h.GetResultAsync());
            return h;
        });
        var before = (await HistoryAsync(handle)).Count;
        await handle.CancelAsync();
        await handle.CancelAsync();
        var after = await handle.DescribeAsync();
        Assert.Equal(WorkflowExecutionStatus.Completed, after.Status);
        Assert.Equal(before, (await HistoryAsync(handle)).Count);
    }

    [Fact]
    public async Task CancellingAWorkflowThatNeverExistedIsStillNotFound()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Client.GetWorkflowHandle(Id("never-existed")).CancelAsync());
        Assert.Equal(RpcException.StatusCode.NotFound, ex.Code);
    }

    // ---- close-event long poll ----

    [Fact]
    public async Task CloseEventLongPollBlocksUntilTheRunClosesAndReturnsOnlyTheCloseEvent()
    {
        var queue = Id("sem");
        await WithWorkerAsync(Options(queue, new()), async () =>
        {
            var h = await Client.StartWorkflowAsync((WaitForSignalWorkflow wf) => wf.RunAsync(), new(Id("close-poll"), queue));
            var poll = Client.Connection.WorkflowService.GetWorkflowExecutionHistoryAsync(new GetWorkflowExecutionHistoryRequest
            {
                Namespace = Fx.Namespace,
                Execution = new() { WorkflowId = h.Id, RunId = h.ResultRunId ?? "" },
                HistoryEventFilterType = HistoryEventFilterType.CloseEvent,
                WaitNewEvent = true,
            });
            await Task.Delay(1500);
            Assert.False(poll.IsCompleted, "the close-event poll answered while the run was still open");
            await h.SignalAsync(wf => wf.SetAsync("now"));
            var resp = await poll;
            var ev = Assert.Single(resp.History.Events);
            Assert.Equal(EventType.WorkflowExecutionCompleted, ev.EventType);
            Assert.Equal((await HistoryAsync(h))[^1].EventId, ev.EventId);
        });
    }

    [Fact]
    public async Task CloseEventPollWithoutWaitOnAnOpenRunReturnsNoEvents()
    {
        var queue = Id("sem");
        await WithWorkerAsync(Options(queue, new()), async () =>
        {
            var h = await Client.StartWorkflowAsync((WaitForSignalWorkflow wf) => wf.RunAsync(), new(Id("close-nowait"), queue));
            var resp = await Client.Connection.WorkflowService.GetWorkflowExecutionHistoryAsync(new GetWorkflowExecutionHistoryRequest
            {
                Namespace = Fx.Namespace,
                Execution = new() { WorkflowId = h.Id },
                HistoryEventFilterType = HistoryEventFilterType.CloseEvent,
            });
            Assert.Empty(resp.History?.Events ?? new());
            await h.SignalAsync(wf => wf.SetAsync("bye"));
            await h.GetResultAsync();
        });
    }

    // ---- gRPC health ----

    [Fact]
    public async Task GrpcHealthCheckAnswersServing()
    {
        Assert.True(await Client.Connection.CheckHealthAsync());
    }

    [EmbeddedServerFact]
    public async Task GrpcHealthCheckNeedsNoCredentials()
    {
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress("http://" + Fx.Address);
        var health = new Grpc.Health.V1.Health.HealthClient(channel);
        var resp = await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest { Service = "temporal.api.workflowservice.v1.WorkflowService" });
        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, resp.Status);
        // The probe is the only door left open: Temporal's own API still wants the token.
        var ex = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await channel.CreateCallInvoker()
            .AsyncUnaryCall(DescribeNamespaceMethod, null, new Grpc.Core.CallOptions(), new DescribeNamespaceRequest { Namespace = Fx.Namespace }));
        Assert.Equal(Grpc.Core.StatusCode.Unauthenticated, ex.StatusCode);
    }

    private static readonly Grpc.Core.Method<DescribeNamespaceRequest, DescribeNamespaceResponse> DescribeNamespaceMethod = new(
        Grpc.Core.MethodType.Unary, "temporal.api.workflowservice.v1.WorkflowService", "DescribeNamespace",
        Grpc.Core.Marshallers.Create(m => Google.Protobuf.MessageExtensions.ToByteArray(m), DescribeNamespaceRequest.Parser.ParseFrom),
        Grpc.Core.Marshallers.Create(m => Google.Protobuf.MessageExtensions.ToByteArray(m), DescribeNamespaceResponse.Parser.ParseFrom));

    // ---- ActivityTaskStarted is written when the attempt closes ----

    [Fact]
    public async Task RunningActivityIsPendingStartedButItsStartedEventWaitsForTheAttemptToClose()
    {
        var queue = Id("sem");
        var acts = new Activities();
        await WithWorkerAsync(Options(queue, acts), async () =>
        {
            var h = await Client.StartWorkflowAsync((OneActivityWorkflow wf) => wf.RunAsync(), new(Id("started-late"), queue));
            await acts.Started.Task;
            var pending = await EventuallyAsync(() => DescribeRawAsync(h.Id), d => d.PendingActivities.Count == 1
                && d.PendingActivities[0].State == PendingActivityState.Started, "the activity to show as started");
            Assert.Equal(1, pending.PendingActivities[0].Attempt);
            Assert.DoesNotContain(EventType.ActivityTaskStarted, EventTypes(await HistoryAsync(h)));
            acts.Release.TrySetResult();
            Assert.Equal("released", await h.GetResultAsync());
            var events = await HistoryAsync(h);
            var started = events.Single(e => e.EventType == EventType.ActivityTaskStarted);
            var completed = events.Single(e => e.EventType == EventType.ActivityTaskCompleted);
            Assert.Equal(started.EventId + 1, completed.EventId);
            Assert.Equal(started.EventId, completed.ActivityTaskCompletedEventAttributes.StartedEventId);
            Assert.Equal(1, started.ActivityTaskStartedEventAttributes.Attempt);
            await AssertReplaysAsync(h);
        });
    }

    [Fact]
    public async Task ActivityCancelledBeforeAnyWorkerStartedItHasNoStartedEvent()
    {
        var queue = Id("sem");
        var handle = await WithWorkerAsync(Options(queue, new()), async () =>
        {
            // Its queue has no worker, so the activity is only ever scheduled.
            var h = await Client.StartWorkflowAsync((CancelActivityWorkflow wf) => wf.RunAsync(Id("nobody-polls")), new(Id("cancel-scheduled"), queue));
            await EventuallyAsync(() => DescribeRawAsync(h.Id), d => d.PendingActivities.Count == 1, "the activity to be scheduled");
            await h.SignalAsync(wf => wf.CancelAsync());
            Assert.Equal("activity cancelled", await h.GetResultAsync());
            return h;
        });
        var types = EventTypes(await HistoryAsync(handle));
        Assert.DoesNotContain(EventType.ActivityTaskStarted, types);
        var requested = types.IndexOf(EventType.ActivityTaskCancelRequested);
        Assert.True(requested > types.IndexOf(EventType.ActivityTaskScheduled));
        Assert.Equal(requested + 1, types.IndexOf(EventType.ActivityTaskCanceled));
        await AssertReplaysAsync(handle);
    }

    [Fact]
    public async Task CancelOfARunningActivityRecordsItsStartAtCloseAndReplays()
    {
        var queue = Id("sem");
        var acts = new Activities();
        var handle = await WithWorkerAsync(Options(queue, acts), async () =>
        {
            var h = await Client.StartWorkflowAsync((CancelActivityWorkflow wf) => wf.RunAsync(null), new(Id("cancel-running"), queue));
            await acts.Started.Task;
            await h.SignalAsync(wf => wf.CancelAsync());
            Assert.Equal("activity cancelled", await h.GetResultAsync());
            return h;
        });
        var events = await HistoryAsync(handle);
        var types = EventTypes(events);
        var requested = types.IndexOf(EventType.ActivityTaskCancelRequested);
        var started = types.IndexOf(EventType.ActivityTaskStarted);
        var canceled = types.IndexOf(EventType.ActivityTaskCanceled);
        Assert.True(requested >= 0 && started >= 0 && canceled >= 0, string.Join(",", types));
        // The attempt's start is recorded with its outcome, right before it.
        Assert.Equal(started + 1, canceled);
        Assert.Equal(events[started].EventId, events[canceled].ActivityTaskCanceledEventAttributes.StartedEventId);
        Assert.Equal(events[requested].EventId, events[canceled].ActivityTaskCanceledEventAttributes.LatestCancelRequestedEventId);
        await AssertReplaysAsync(handle);
    }

    // ---- ResetStickyTaskQueue ----

    [Fact]
    public async Task AfterResetStickyTheRunContinuesOnANewWorkerAndItsHistoryReplays()
    {
        var queue = Id("sem-sticky");
        var acts = new Activities();
        WorkflowHandle<MixedWorkflow, string>? handle = null;
        using (var first = new TemporalWorker(Client, Options(queue, acts)))
        {
            await first.ExecuteAsync(async () =>
            {
                handle = await Client.StartWorkflowAsync((MixedWorkflow wf) => wf.RunAsync(), new(Id("reset-sticky"), queue));
                await handle.SignalAsync(wf => wf.AddAsync("a"));
                await EventuallyAsync(() => handle.QueryAsync(wf => wf.Signals), n => n == 1, "the first signal to be seen");
                await Client.Connection.WorkflowService.ResetStickyTaskQueueAsync(new ResetStickyTaskQueueRequest
                {
                    Namespace = Fx.Namespace,
                    Execution = new() { WorkflowId = handle.Id },
                });
            }).WaitAsync(ResultTimeout);
        }
        using var second = new TemporalWorker(Client, Options(queue, acts));
        var result = await second.ExecuteAsync(async () =>
        {
            await handle!.SignalAsync(wf => wf.AddAsync("b"));
            return await handle.GetResultAsync();
        }).WaitAsync(ResultTimeout);
        Assert.Equal("one+a+b+two", result);
        var events = await HistoryAsync(handle!);
        Assert.DoesNotContain(events, e => e.EventType == EventType.WorkflowTaskFailed);
        await AssertReplaysAsync(handle!);
    }

    [Fact]
    public async Task AfterResetStickyTheSameWorkerContinuesFromFullHistory()
    {
        var queue = Id("sem-sticky");
        await WithWorkerAsync(Options(queue, new()), async () =>
        {
            var h = await Client.StartWorkflowAsync((MixedWorkflow wf) => wf.RunAsync(), new(Id("reset-sticky-same"), queue));
            await h.SignalAsync(wf => wf.AddAsync("x"));
            await EventuallyAsync(() => h.QueryAsync(wf => wf.Signals), n => n == 1, "the first signal to be seen");
            await Client.Connection.WorkflowService.ResetStickyTaskQueueAsync(new ResetStickyTaskQueueRequest
            {
                Namespace = Fx.Namespace,
                Execution = new() { WorkflowId = h.Id },
            });
            await h.SignalAsync(wf => wf.AddAsync("y"));
            Assert.Equal("one+x+y+two", await h.GetResultAsync());
            Assert.DoesNotContain(EventType.WorkflowTaskFailed, EventTypes(await HistoryAsync(h)));
            await AssertReplaysAsync(h);
        });
    }

    // ---- start-to-close near the schedule-to-close deadline ----

    [Fact]
    public async Task AttemptTimeoutThatLeavesNoTimeForARetryEndsTheActivityByScheduleToClose()
    {
        // Attempt 1 times out start-to-close after 1 s; its retry (1 s later) would start after the
        // 1.5 s schedule-to-close deadline, so none is made: Temporal reports schedule-to-close.
        var queue = Id("sem");
        var ex = await WithWorkerAsync(Options(queue, new()), () => Assert.ThrowsAsync<WorkflowFailedException>(() =>
            Client.ExecuteWorkflowAsync((DeadlineWorkflow wf) => wf.RunAsync(1, 1.5), new(Id("deadline"), queue))));
        var activity = Assert.IsType<ActivityFailureException>(ex.InnerException);
        Assert.Equal(TimeoutType.ScheduleToClose, Assert.IsType<TimeoutFailureException>(activity.InnerException).TimeoutType);
        Assert.Equal(RetryState.Timeout, activity.RetryState);
    }
}
