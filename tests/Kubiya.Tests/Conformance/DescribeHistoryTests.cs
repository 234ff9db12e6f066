using Kubiya.Tests.Infrastructure;
using Temporalio.Activities;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;
using Temporalio.Common;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance;

/// <summary>What DescribeWorkflowExecution, DescribeTaskQueue and the history say about a workflow.</summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class DescribeHistoryTests(ServerFixture fx) : ConformanceTest(fx)
{
    public sealed class ProbeActivities
    {
        [Activity]
        public string Echo(string text) => text;

        [Activity]
        public void AlwaysFails() => throw new InvalidOperationException("always fails");

        /// <summary>What the activity was told about its own options.</summary>
        [Activity]
        public string Options()
        {
            var i = ActivityExecutionContext.Current.Info;
            return $"s2c={i.StartToCloseTimeout} sc={Show(i.ScheduleToCloseTimeout)} hb={Show(i.HeartbeatTimeout)} " +
                $"retry={i.RetryPolicy?.InitialInterval}/{i.RetryPolicy?.BackoffCoefficient}/{i.RetryPolicy?.MaximumInterval}/{i.RetryPolicy?.MaximumAttempts} " +
                $"type={i.WorkflowType} attempt={i.Attempt}";
        }

        /// <summary>Attempt 1 fails; attempt 2 heartbeats and then waits to be cancelled.</summary>
        [Activity]
        public async Task FailThenHeartbeatAndWait()
        {
            var ctx = ActivityExecutionContext.Current;
            if (ctx.Info.Attempt == 1) throw new InvalidOperationException("first attempt failed");
            ctx.Heartbeat("attempt-2-progress");
            await Task.Delay(Timeout.Infinite, ctx.CancellationToken);
        }
    }

    [Workflow]
    public sealed class EchoWorkflow
    {
        [WorkflowRun]
        public Task<string> RunAsync(string text) =>
            Workflow.ExecuteActivityAsync((ProbeActivities a) => a.Echo(text), new() { StartToCloseTimeout = TimeSpan.FromSeconds(30) });
    }

    [Workflow]
    public sealed class PendingActivityWorkflow
    {
        [WorkflowRun]
        public Task RunAsync() =>
            Workflow.ExecuteActivityAsync((ProbeActivities a) => a.FailThenHeartbeatAndWait(), new()
            {
                StartToCloseTimeout = TimeSpan.FromMinutes(5),
                HeartbeatTimeout = TimeSpan.FromMinutes(1),
                RetryPolicy = new() { InitialInterval = TimeSpan.FromMilliseconds(100), MaximumAttempts = 5 },
            });
    }

    [Workflow]
    public sealed class BackingOffWorkflow
    {
        [WorkflowRun]
        public Task RunAsync() =>
            Workflow.ExecuteActivityAsync((ProbeActivities a) => a.AlwaysFails(), new()
            {
                StartToCloseTimeout = TimeSpan.FromSeconds(30),
                RetryPolicy = new() { InitialInterval = TimeSpan.FromMinutes(10) },
            });
    }

    /// <summary>Records progress in its memo and search attributes, then waits to be released.</summary>
    [Workflow]
    public sealed class SelfDescribingWorkflow
    {
        private bool done;

        [WorkflowRun]
        public async Task RunAsync()
        {
            Workflow.UpsertMemo(MemoUpdate.ValueSet("stage", "building"), MemoUpdate.ValueUnset("owner"));
            Workflow.UpsertTypedSearchAttributes(KeywordKey.ValueSet("stage-building"));
            await Workflow.WaitConditionAsync(() => done);
        }

        [WorkflowSignal]
        public Task FinishAsync()
        {
            done = true;
            return Task.CompletedTask;
        }
    }

    /// <summary>An unset timeout, however a server spells it (absent or zero).</summary>
    private static string Show(TimeSpan? t) => t is { } v && v > TimeSpan.Zero ? v.ToString() : "none";

    /// <summary>Reports what it was told about itself and what its activity was told.</summary>
    [Workflow]
    public sealed class InfoWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(bool scheduleToCloseOnly)
        {
            var i = Workflow.Info;
            var activity = await Workflow.ExecuteActivityAsync((ProbeActivities a) => a.Options(), scheduleToCloseOnly
                ? new() { ScheduleToCloseTimeout = TimeSpan.FromSeconds(30) }
                : new() { StartToCloseTimeout = TimeSpan.FromSeconds(7) });
            return $"run={Show(i.RunTimeout)} exec={Show(i.ExecutionTimeout)} task={i.TaskTimeout} " +
                $"attempt={i.Attempt} queue={i.TaskQueue == Workflow.Info.TaskQueue} | {activity}";
        }
    }

    private static readonly SearchAttributeKey<string> KeywordKey = SearchAttributeKey.CreateKeyword("CustomKeywordField");

    private static TemporalWorkerOptions Options(string queue, string? identity = null) => new TemporalWorkerOptions(queue)
    {
        Identity = identity,
    }.AddWorkflow<EchoWorkflow>().AddWorkflow<PendingActivityWorkflow>().AddWorkflow<BackingOffWorkflow>()
        .AddWorkflow<SelfDescribingWorkflow>().AddWorkflow<InfoWorkflow>().AddAllActivities(new ProbeActivities());

    [Fact]
    public async Task DescribeShowsAPendingActivityWithAttemptLastFailureAndHeartbeat()
    {
        var queue = Id("describe");
        var pending = await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((PendingActivityWorkflow wf) => wf.RunAsync(), new(Id("pending"), queue));
            var desc = await EventuallyAsync(() => DescribeRawAsync(h.Id),
                d => d.PendingActivities.Count == 1 && d.PendingActivities[0].HeartbeatDetails != null,
                "a pending activity on attempt 2 with heartbeat details");
            await h.TerminateAsync("test done");
            return desc.PendingActivities[0];
        });
        Assert.Equal(2, pending.Attempt);
        Assert.Equal("FailThenHeartbeatAndWait", pending.ActivityType.Name);
        Assert.Equal(PendingActivityState.Started, pending.State);
        Assert.Equal("first attempt failed", pending.LastFailure.Message);
        Assert.Equal(5, pending.MaximumAttempts);
        Assert.Equal("\"attempt-2-progress\"", pending.HeartbeatDetails.Payloads_[0].Data.ToStringUtf8());
        Assert.NotNull(pending.LastHeartbeatTime);
    }

    [Fact]
    public async Task MemoAndSearchAttributesGivenAtStartAreDescribed()
    {
        var queue = Id("describe");
        var options = new WorkflowOptions(Id("memo"), queue)
        {
            Memo = new Dictionary<string, object> { ["owner"] = "ops-team", ["priority"] = 3 },
            TypedSearchAttributes = new SearchAttributeCollection.Builder().Set(KeywordKey, "kubiya-conformance").ToSearchAttributeCollection(),
        };
        var h = await Client.StartWorkflowAsync((EchoWorkflow wf) => wf.RunAsync("x"), options);
        var desc = await h.DescribeAsync();
        await h.TerminateAsync("test done");
        Assert.Equal("ops-team", await desc.Memo["owner"].ToValueAsync<string>());
        Assert.Equal(3, await desc.Memo["priority"].ToValueAsync<int>());
        Assert.Equal("kubiya-conformance", desc.TypedSearchAttributes.Get(KeywordKey));
        Assert.Equal(WorkflowExecutionStatus.Running, desc.Status);
        Assert.Equal("EchoWorkflow", desc.WorkflowType);
        Assert.Equal(queue, desc.TaskQueue);
    }

    [Fact]
    public async Task DescribeShowsWhenAnActivityBackingOffWillBeRetried()
    {
        var queue = Id("describe");
        var pending = await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((BackingOffWorkflow wf) => wf.RunAsync(), new(Id("backoff"), queue));
            var desc = await EventuallyAsync(() => DescribeRawAsync(h.Id),
                d => d.PendingActivities.Count == 1 && d.PendingActivities[0].Attempt == 2, "the activity to wait for attempt 2");
            await h.TerminateAsync("test done");
            return desc.PendingActivities[0];
        });
        Assert.Equal(PendingActivityState.Scheduled, pending.State);
        Assert.Equal("always fails", pending.LastFailure.Message);
        Assert.NotNull(pending.NextAttemptScheduleTime);
        var wait = pending.NextAttemptScheduleTime.ToDateTime() - DateTime.UtcNow;
        Assert.InRange(wait, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(11));
        Assert.NotNull(pending.LastAttemptCompleteTime);
    }

    [Fact]
    public async Task WorkflowAndActivitySeeTheTimeoutsAndRetryDefaultsTemporalGives()
    {
        var queue = Id("info");
        var (bounded, unbounded, s2cOnly) = await WithWorkerAsync(Options(queue), async () =>
        (
            await Client.ExecuteWorkflowAsync((InfoWorkflow wf) => wf.RunAsync(false),
                new(Id("info"), queue) { RunTimeout = TimeSpan.FromHours(1), TaskTimeout = TimeSpan.FromSeconds(4) }),
            await Client.ExecuteWorkflowAsync((InfoWorkflow wf) => wf.RunAsync(false), new(Id("info"), queue)),
            await Client.ExecuteWorkflowAsync((InfoWorkflow wf) => wf.RunAsync(true), new(Id("info"), queue))
        ));
        // A start-to-close-only activity may run as long as the workflow run may.
        Assert.Equal("run=01:00:00 exec=none task=00:00:04 attempt=1 queue=True | " +
            "s2c=00:00:07 sc=01:00:00 hb=none retry=00:00:01/2/00:01:40/0 type=InfoWorkflow attempt=1", bounded);
        Assert.Equal("run=none exec=none task=00:00:10 attempt=1 queue=True | " +
            "s2c=00:00:07 sc=none hb=none retry=00:00:01/2/00:01:40/0 type=InfoWorkflow attempt=1", unbounded);
        // Schedule-to-close alone also bounds each attempt.
        Assert.EndsWith("s2c=00:00:30 sc=00:00:30 hb=none retry=00:00:01/2/00:01:40/0 type=InfoWorkflow attempt=1", s2cOnly);
    }

    [Fact]
    public async Task MemoAndSearchAttributesUpsertedByTheWorkflowAreDescribed()
    {
        var queue = Id("describe");
        var options = new WorkflowOptions(Id("upsert"), queue) { Memo = new Dictionary<string, object> { ["owner"] = "ops-team" } };
        var desc = await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((SelfDescribingWorkflow wf) => wf.RunAsync(), options);
            var d = await EventuallyAsync(() => h.DescribeAsync(), x => x.Memo.ContainsKey("stage"), "the upserted memo");
            await h.SignalAsync(wf => wf.FinishAsync());
            await h.GetResultAsync();
            return d;
        });
        Assert.Equal("building", await desc.Memo["stage"].ToValueAsync<string>());
        Assert.False(desc.Memo.ContainsKey("owner"), "an unset memo field disappears");
        Assert.Equal("stage-building", desc.TypedSearchAttributes.Get(KeywordKey));
    }

    [Fact]
    public async Task HistoryCanBeFollowedLiveUntilTheWorkflowCloses()
    {
        var queue = Id("history");
        var events = await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((SelfDescribingWorkflow wf) => wf.RunAsync(), new(Id("live"), queue));
            var seen = new System.Collections.Concurrent.ConcurrentQueue<EventType>();
            var follow = Task.Run(async () =>
            {
                await foreach (var ev in h.FetchHistoryEventsAsync(new() { WaitNewEvent = true })) seen.Enqueue(ev.EventType);
            });
            await EventuallyAsync(() => Task.FromResult(seen.Count), n => n >= 4, "the first workflow task to be followed");
            await h.SignalAsync(wf => wf.FinishAsync());
            await follow.WaitAsync(ResultTimeout);
            return seen.ToList();
        });
        Assert.Equal(EventType.WorkflowExecutionStarted, events[0]);
        Assert.Contains(EventType.WorkflowExecutionSignaled, events);
        Assert.Equal(EventType.WorkflowExecutionCompleted, events[^1]);
    }

    [Fact]
    public async Task HistoryOfASingleActivityWorkflowHasTheTemporalEventSequence()
    {
        var queue = Id("history");
        var handle = await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((EchoWorkflow wf) => wf.RunAsync("hi"), new(Id("echo"), queue));
            Assert.Equal("hi", await h.GetResultAsync());
            return h;
        });
        var events = await HistoryAsync(handle);
        Assert.Equal(new[]
        {
            EventType.WorkflowExecutionStarted,
            EventType.WorkflowTaskScheduled, EventType.WorkflowTaskStarted, EventType.WorkflowTaskCompleted,
            EventType.ActivityTaskScheduled, EventType.ActivityTaskStarted, EventType.ActivityTaskCompleted,
            EventType.WorkflowTaskScheduled, EventType.WorkflowTaskStarted, EventType.WorkflowTaskCompleted,
            EventType.WorkflowExecutionCompleted,
        }, EventTypes(events));
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.EventId));
        var scheduled = events[4];
        var started = events[5].ActivityTaskStartedEventAttributes;
        var completed = events[6].ActivityTaskCompletedEventAttributes;
        Assert.Equal(scheduled.EventId, started.ScheduledEventId);
        Assert.Equal(scheduled.EventId, completed.ScheduledEventId);
        Assert.Equal(events[5].EventId, completed.StartedEventId);
        Assert.Equal(events[1].EventId, events[2].WorkflowTaskStartedEventAttributes.ScheduledEventId);
        Assert.Equal(events[3].EventId, scheduled.ActivityTaskScheduledEventAttributes.WorkflowTaskCompletedEventId);
        Assert.Equal(events[9].EventId, events[10].WorkflowExecutionCompletedEventAttributes.WorkflowTaskCompletedEventId);
        Assert.Equal(1, started.Attempt);
    }

    [Fact]
    public async Task DescribeOfACompletedWorkflowShowsStatusCloseTimeAndHistoryLength()
    {
        var queue = Id("describe");
        var handle = await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((EchoWorkflow wf) => wf.RunAsync("done"), new(Id("echo"), queue));
            await h.GetResultAsync();
            return h;
        });
        var desc = await handle.DescribeAsync();
        Assert.Equal(WorkflowExecutionStatus.Completed, desc.Status);
        Assert.NotNull(desc.CloseTime);
        Assert.True(desc.CloseTime >= desc.StartTime);
        Assert.Equal((await HistoryAsync(handle)).Count, desc.HistoryLength);
        Assert.Empty((await DescribeRawAsync(handle.Id)).PendingActivities);
    }

    [Fact]
    public async Task DescribeTaskQueueShowsThePollingWorkersIdentity()
    {
        var queue = Id("tq");
        var identity = Id("poller");
        var (workflowPollers, activityPollers) = await WithWorkerAsync(Options(queue, identity), async () =>
        {
            async Task<List<string>> Pollers(TaskQueueType type) =>
                (await Client.Connection.WorkflowService.DescribeTaskQueueAsync(new DescribeTaskQueueRequest
                {
                    Namespace = Fx.Namespace,
                    TaskQueue = new() { Name = queue, Kind = TaskQueueKind.Normal },
                    TaskQueueType = type,
                })).Pollers.Select(p => p.Identity).ToList();
            var wf = await EventuallyAsync(() => Pollers(TaskQueueType.Workflow), p => p.Contains(identity), "the workflow poller to be listed");
            var act = await EventuallyAsync(() => Pollers(TaskQueueType.Activity), p => p.Contains(identity), "the activity poller to be listed");
            return (wf, act);
        });
        Assert.Contains(identity, workflowPollers);
        Assert.Contains(identity, activityPollers);
    }
}
