using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance;

/// <summary>Durable timers: order, cancellation, and timed condition waits.</summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class TimerTests(ServerFixture fx) : ConformanceTest(fx)
{
    [Workflow]
    public sealed class ConcurrentTimersWorkflow
    {
        /// <summary>Starts timers in scrambled order; returns the order in which they fired.</summary>
        [WorkflowRun]
        public async Task<List<int>> RunAsync(List<int> delaysMs)
        {
            var fired = new List<int>();
            await Workflow.WhenAllAsync(delaysMs.Select(async d =>
            {
                await Workflow.DelayAsync(TimeSpan.FromMilliseconds(d));
                fired.Add(d);
            }));
            return fired;
        }
    }

    [Workflow]
    public sealed class CancelledTimerWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync()
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(Workflow.CancellationToken);
            var longTimer = Workflow.DelayAsync(TimeSpan.FromHours(1), cts.Token);
            await Workflow.DelayAsync(TimeSpan.FromMilliseconds(100));
            cts.Cancel();
            try
            {
                await longTimer;
                return "long timer fired";
            }
            catch (TaskCanceledException)
            {
                return "long timer cancelled";
            }
        }
    }

    [Workflow]
    public sealed class ConditionTimeoutWorkflow
    {
        private bool released;

        [WorkflowRun]
        public async Task<string> RunAsync()
        {
            var first = await Workflow.WaitConditionAsync(() => released, TimeSpan.FromMilliseconds(500));
            var second = await Workflow.WaitConditionAsync(() => released, TimeSpan.FromMinutes(5));
            return $"{first}/{second}";
        }

        [WorkflowSignal]
        public Task ReleaseAsync()
        {
            released = true;
            return Task.CompletedTask;
        }
    }

    private static TemporalWorkerOptions Options(string queue) => new TemporalWorkerOptions(queue)
        .AddWorkflow<ConcurrentTimersWorkflow>().AddWorkflow<CancelledTimerWorkflow>().AddWorkflow<ConditionTimeoutWorkflow>();

    [Fact]
    public async Task TimersFireInOrderOfTheirDeadlines()
    {
        var queue = Id("timers");
        var result = await WithWorkerAsync(Options(queue), () =>
            Client.ExecuteWorkflowAsync((ConcurrentTimersWorkflow wf) => wf.RunAsync(new List<int> { 1500, 300, 900 }), new(Id("timers"), queue)));
        Assert.Equal(new[] { 300, 900, 1500 }, result);
    }

    [Fact]
    public async Task TimersAreRecordedAsStartedAndFiredEvents()
    {
        var queue = Id("timers");
        var handle = await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((ConcurrentTimersWorkflow wf) => wf.RunAsync(new List<int> { 200, 400 }), new(Id("timers"), queue));
            await h.GetResultAsync();
            return h;
        });
        var events = await HistoryAsync(handle);
        var started = events.Where(e => e.EventType == EventType.TimerStarted).ToList();
        var fired = events.Where(e => e.EventType == EventType.TimerFired).ToList();
        Assert.Equal(2, started.Count);
        Assert.Equal(2, fired.Count);
        Assert.Equal(started.Select(e => e.EventId).OrderBy(x => x), fired.Select(e => e.TimerFiredEventAttributes.StartedEventId).OrderBy(x => x));
        Assert.All(fired, f => Assert.True(f.EventId > started.Max(s => s.EventId)));
    }

    [Fact]
    public async Task CancelledTimerIsRecordedAndNeverFires()
    {
        var queue = Id("timers");
        var (result, handle) = await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((CancelledTimerWorkflow wf) => wf.RunAsync(), new(Id("cancel-timer"), queue));
            return (await h.GetResultAsync(), h);
        });
        Assert.Equal("long timer cancelled", result);
        var types = EventTypes(await HistoryAsync(handle));
        Assert.Contains(EventType.TimerCanceled, types);
        Assert.Single(types, t => t == EventType.TimerFired);
    }

    [Fact]
    public async Task ConditionWaitTimesOutThenIsReleasedBySignal()
    {
        var queue = Id("timers");
        var result = await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((ConditionTimeoutWorkflow wf) => wf.RunAsync(), new(Id("condition"), queue));
            // The first wait must time out on its own before the signal arrives.
            await EventuallyAsync(() => HistoryAsync(h), ev => ev.Any(e => e.EventType == EventType.TimerFired), "the first wait to time out");
            await h.SignalAsync(wf => wf.ReleaseAsync());
            return await h.GetResultAsync();
        });
        Assert.Equal("False/True", result);
    }
}
