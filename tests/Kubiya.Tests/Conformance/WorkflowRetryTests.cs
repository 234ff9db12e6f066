using System.Collections.Concurrent;
using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Exceptions;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance;

/// <summary>Workflow-level retries, start delay, and recovery from failing workflow tasks.</summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class WorkflowRetryTests(ServerFixture fx) : ConformanceTest(fx)
{
    [Workflow]
    public sealed class RetriedWorkflow
    {
        [WorkflowRun]
        public Task<string> RunAsync(int succeedOnAttempt)
        {
            var attempt = Workflow.Info.Attempt;
            if (attempt < succeedOnAttempt) throw new ApplicationFailureException($"workflow attempt {attempt} failed");
            return Task.FromResult($"attempt {attempt} after '{Workflow.Info.LastFailure?.Message}'");
        }
    }

    [Workflow]
    public sealed class DelayedWorkflow
    {
        [WorkflowRun]
        public Task<string> RunAsync() => Task.FromResult("ran after the delay");
    }

    /// <summary>Stands for a deployed bug: its workflow task fails until the test "fixes" it.</summary>
    [Workflow]
    public sealed class BuggyWorkflow
    {
        public static readonly ConcurrentDictionary<string, bool> Fixed = new();

        [WorkflowRun]
        public Task<string> RunAsync()
        {
            if (!Fixed.ContainsKey(Workflow.Info.WorkflowId)) throw new InvalidOperationException("bug in workflow code");
            return Task.FromResult("fixed");
        }
    }

    private static TemporalWorkerOptions Options(string queue) => new TemporalWorkerOptions(queue)
        .AddWorkflow<RetriedWorkflow>().AddWorkflow<DelayedWorkflow>().AddWorkflow<BuggyWorkflow>();

    private static readonly Temporalio.Common.RetryPolicy FastRetry = new()
    {
        InitialInterval = TimeSpan.FromMilliseconds(200),
        BackoffCoefficient = 1,
        MaximumAttempts = 3,
    };

    [Fact]
    public async Task FailedWorkflowIsRetriedPerItsRetryPolicy()
    {
        var queue = Id("wf-retry");
        var id = Id("retried");
        var (result, firstRunId) = await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((RetriedWorkflow wf) => wf.RunAsync(3), new(id, queue) { RetryPolicy = FastRetry });
            return (await h.GetResultAsync(), h.ResultRunId!);
        });
        Assert.Equal("attempt 3 after 'workflow attempt 2 failed'", result);

        // Each attempt is its own run: the first failed and names the run that retried it.
        var first = Client.GetWorkflowHandle(id, runId: firstRunId);
        Assert.Equal(WorkflowExecutionStatus.Failed, (await first.DescribeAsync()).Status);
        var failed = (await HistoryAsync(first))[^1];
        Assert.Equal(EventType.WorkflowExecutionFailed, failed.EventType);
        Assert.Equal(RetryState.InProgress, failed.WorkflowExecutionFailedEventAttributes.RetryState);
        var secondRunId = failed.WorkflowExecutionFailedEventAttributes.NewExecutionRunId;
        Assert.False(string.IsNullOrEmpty(secondRunId));

        var secondStarted = (await HistoryAsync(Client.GetWorkflowHandle(id, runId: secondRunId)))[0].WorkflowExecutionStartedEventAttributes;
        Assert.Equal(2, secondStarted.Attempt);
        Assert.Equal(ContinueAsNewInitiator.Retry, secondStarted.Initiator);
        Assert.Equal(firstRunId, secondStarted.ContinuedExecutionRunId);
        Assert.Equal(firstRunId, secondStarted.FirstExecutionRunId);
        Assert.NotNull(secondStarted.FirstWorkflowTaskBackoff);

        var latest = await Client.GetWorkflowHandle(id).DescribeAsync();
        Assert.Equal(WorkflowExecutionStatus.Completed, latest.Status);
        Assert.NotEqual(secondRunId, latest.RunId);
    }

    [Fact]
    public async Task WorkflowRetriesStopAtMaximumAttempts()
    {
        var queue = Id("wf-retry");
        var id = Id("retried");
        var ex = await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((RetriedWorkflow wf) => wf.RunAsync(10), new(id, queue) { RetryPolicy = FastRetry });
            return await Assert.ThrowsAsync<WorkflowFailedException>(() => h.GetResultAsync());
        });
        Assert.Equal("workflow attempt 3 failed", ex.InnerException!.Message);
        var last = (await HistoryAsync(Client.GetWorkflowHandle(id)))[^1].WorkflowExecutionFailedEventAttributes;
        Assert.Equal(RetryState.MaximumAttemptsReached, last.RetryState);
        Assert.True(string.IsNullOrEmpty(last.NewExecutionRunId));
    }

    [Fact]
    public async Task WorkflowWithoutRetryPolicyIsNotRetried()
    {
        var queue = Id("wf-retry");
        var id = Id("once");
        await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((RetriedWorkflow wf) => wf.RunAsync(2), new(id, queue));
            await Assert.ThrowsAsync<WorkflowFailedException>(() => h.GetResultAsync());
        });
        var last = (await HistoryAsync(Client.GetWorkflowHandle(id)))[^1].WorkflowExecutionFailedEventAttributes;
        Assert.Equal(RetryState.RetryPolicyNotSet, last.RetryState);
    }

    [Fact]
    public async Task StartDelayHoldsTheFirstWorkflowTaskBack()
    {
        var queue = Id("delay");
        var delay = TimeSpan.FromSeconds(2);
        var h = await Client.StartWorkflowAsync((DelayedWorkflow wf) => wf.RunAsync(), new(Id("delayed"), queue) { StartDelay = delay });
        var desc = await h.DescribeAsync();
        Assert.True(desc.ExecutionTime - desc.StartTime >= delay - TimeSpan.FromMilliseconds(50),
            $"execution time {desc.ExecutionTime:O} should be {delay} after start {desc.StartTime:O}");

        var result = await WithWorkerAsync(Options(queue), () => h.GetResultAsync());
        Assert.Equal("ran after the delay", result);
        var events = await HistoryAsync(h);
        Assert.Equal(delay, events[0].WorkflowExecutionStartedEventAttributes.FirstWorkflowTaskBackoff.ToTimeSpan());
        AssertFirstTaskWaitedFor(events, delay);
    }

    /// <summary>The first workflow task was scheduled no earlier than the delay after the start.</summary>
    private static void AssertFirstTaskWaitedFor(IReadOnlyList<Temporalio.Api.History.V1.HistoryEvent> events, TimeSpan delay)
    {
        var scheduled = events.First(e => e.EventType == EventType.WorkflowTaskScheduled);
        var waited = scheduled.EventTime.ToDateTime() - events[0].EventTime.ToDateTime();
        Assert.True(waited >= delay - TimeSpan.FromMilliseconds(50), $"first workflow task scheduled after {waited}, expected at least {delay}");
    }

    [Fact]
    public async Task SignalDuringStartDelayWaitsForTheDelay()
    {
        var queue = Id("delay");
        var delay = TimeSpan.FromSeconds(2);
        var h = await Client.StartWorkflowAsync((DelayedWorkflow wf) => wf.RunAsync(), new(Id("delayed"), queue) { StartDelay = delay });
        await h.SignalAsync("poke", Array.Empty<object?>());
        Assert.Equal("ran after the delay", await WithWorkerAsync(Options(queue), () => h.GetResultAsync()));
        var events = await HistoryAsync(h);
        Assert.Equal(new[] { EventType.WorkflowExecutionStarted, EventType.WorkflowExecutionSignaled, EventType.WorkflowTaskScheduled },
            EventTypes(events.Take(3)));
        AssertFirstTaskWaitedFor(events, delay);
    }

    [Fact]
    public async Task SignalWithStartEndsAStartDelay()
    {
        var queue = Id("delay");
        var id = Id("delayed");
        var h = await Client.StartWorkflowAsync((DelayedWorkflow wf) => wf.RunAsync(), new(id, queue) { StartDelay = TimeSpan.FromHours(1) });
        var options = new WorkflowOptions(id, queue);
        options.SignalWithStart("poke", Array.Empty<object?>());
        var signalled = await Client.StartWorkflowAsync((DelayedWorkflow wf) => wf.RunAsync(), options);
        Assert.Equal(h.ResultRunId, signalled.ResultRunId);
        Assert.Equal("ran after the delay", await WithWorkerAsync(Options(queue), () => h.GetResultAsync()));
    }

    [Fact]
    public async Task FailingWorkflowTaskIsRetriedWithoutGrowingTheHistory()
    {
        var queue = Id("wft-retry");
        var id = Id("buggy");
        var result = await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((BuggyWorkflow wf) => wf.RunAsync(),
                new(id, queue) { TaskTimeout = TimeSpan.FromSeconds(1) });
            // Wait until the task has failed and been retried at least twice, then ship the fix.
            await EventuallyAsync(() => DescribeRawAsync(id), d => d.PendingWorkflowTask?.Attempt >= 3, "the workflow task to reach attempt 3");
            BuggyWorkflow.Fixed[id] = true;
            return await h.GetResultAsync();
        });
        Assert.Equal("fixed", result);
        // Temporal records the first failure only; later attempts are transient until one succeeds.
        var events = await HistoryAsync(Client.GetWorkflowHandle(id));
        Assert.Single(events, e => e.EventType == EventType.WorkflowTaskFailed);
        Assert.DoesNotContain(events, e => e.EventType == EventType.WorkflowTaskTimedOut);
        var lastScheduled = events.Last(e => e.EventType == EventType.WorkflowTaskScheduled).WorkflowTaskScheduledEventAttributes;
        Assert.True(lastScheduled.Attempt >= 3, $"the successful attempt should carry its number, got {lastScheduled.Attempt}");
        Assert.Equal(EventType.WorkflowExecutionCompleted, events[^1].EventType);
    }
}
