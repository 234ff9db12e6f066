using System.Collections.Concurrent;
using Kubiya.Tests.Infrastructure;
using Temporalio.Activities;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Common;
using Temporalio.Exceptions;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance;

/// <summary>Activity retries as the retry policy dictates, seen from the activity and the workflow.</summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class ActivityRetryTests(ServerFixture fx) : ConformanceTest(fx)
{
    /// <summary>Fails until a given attempt, optionally with a non-retryable or typed error.</summary>
    public sealed class FlakyActivities
    {
        public ConcurrentQueue<int> Attempts { get; } = new();

        [Activity]
        public string Flaky(FlakyPlan plan)
        {
            var attempt = ActivityExecutionContext.Current.Info.Attempt;
            Attempts.Enqueue(attempt);
            if (attempt < plan.SucceedOnAttempt)
                throw new ApplicationFailureException($"failure on attempt {attempt}", plan.ErrorType, nonRetryable: plan.NonRetryable);
            return $"succeeded on attempt {attempt}";
        }
    }

    public sealed record FlakyPlan(int SucceedOnAttempt, string? ErrorType = null, bool NonRetryable = false,
        int MaximumAttempts = 0, string[]? NonRetryableErrorTypes = null, bool Local = false);

    [Workflow]
    public sealed class FlakyWorkflow
    {
        [WorkflowRun]
        public Task<string> RunAsync(FlakyPlan plan)
        {
            var retry = new RetryPolicy
            {
                InitialInterval = TimeSpan.FromMilliseconds(100),
                BackoffCoefficient = 1,
                MaximumAttempts = plan.MaximumAttempts,
                NonRetryableErrorTypes = plan.NonRetryableErrorTypes,
            };
            return plan.Local
                ? Workflow.ExecuteLocalActivityAsync((FlakyActivities a) => a.Flaky(plan),
                    new() { StartToCloseTimeout = TimeSpan.FromSeconds(10), RetryPolicy = retry })
                : Workflow.ExecuteActivityAsync((FlakyActivities a) => a.Flaky(plan),
                    new() { StartToCloseTimeout = TimeSpan.FromSeconds(10), RetryPolicy = retry });
        }
    }

    private async Task<(Func<Task<string>> Run, WorkflowHandle Handle)> StartAsync(string queue, FlakyPlan plan)
    {
        var handle = await Client.StartWorkflowAsync((FlakyWorkflow wf) => wf.RunAsync(plan), new(Id("flaky"), queue));
        return (() => handle.GetResultAsync(), handle);
    }

    private TemporalWorkerOptions Options(string queue, FlakyActivities acts) =>
        new TemporalWorkerOptions(queue).AddWorkflow<FlakyWorkflow>().AddAllActivities(acts);

    [Fact]
    public async Task ActivityFailingTwiceSucceedsOnTheThirdAttempt()
    {
        var queue = Id("retry");
        var acts = new FlakyActivities();
        var (result, handle) = await WithWorkerAsync(Options(queue, acts), async () =>
        {
            var (run, h) = await StartAsync(queue, new FlakyPlan(SucceedOnAttempt: 3));
            return (await run(), h);
        });
        Assert.Equal("succeeded on attempt 3", result);
        Assert.Equal(new[] { 1, 2, 3 }, acts.Attempts.ToArray());
        // Temporal records one Started event for the attempt that ended the activity, with the
        // attempt number and the failure of the attempt before it.
        var started = (await HistoryAsync(handle)).Single(e => e.EventType == EventType.ActivityTaskStarted).ActivityTaskStartedEventAttributes;
        Assert.Equal(3, started.Attempt);
        Assert.Equal("failure on attempt 2", started.LastFailure.Message);
    }

    [Fact]
    public async Task NonRetryableApplicationErrorFailsOnTheFirstAttempt()
    {
        var queue = Id("retry");
        var acts = new FlakyActivities();
        var ex = await WithWorkerAsync(Options(queue, acts), async () =>
        {
            var (run, _) = await StartAsync(queue, new FlakyPlan(SucceedOnAttempt: 5, NonRetryable: true));
            return await Assert.ThrowsAsync<WorkflowFailedException>(run);
        });
        Assert.Equal(new[] { 1 }, acts.Attempts.ToArray());
        var activity = Assert.IsType<ActivityFailureException>(ex.InnerException);
        Assert.Equal(RetryState.NonRetryableFailure, activity.RetryState);
        var app = Assert.IsType<ApplicationFailureException>(activity.InnerException);
        Assert.Equal("failure on attempt 1", app.Message);
        Assert.True(app.NonRetryable);
    }

    [Fact]
    public async Task ErrorTypeListedAsNonRetryableInThePolicyIsNotRetried()
    {
        var queue = Id("retry");
        var acts = new FlakyActivities();
        var ex = await WithWorkerAsync(Options(queue, acts), async () =>
        {
            var (run, _) = await StartAsync(queue,
                new FlakyPlan(SucceedOnAttempt: 5, ErrorType: "PermanentError", NonRetryableErrorTypes: new[] { "PermanentError" }));
            return await Assert.ThrowsAsync<WorkflowFailedException>(run);
        });
        Assert.Equal(new[] { 1 }, acts.Attempts.ToArray());
        var activity = Assert.IsType<ActivityFailureException>(ex.InnerException);
        Assert.Equal(RetryState.NonRetryableFailure, activity.RetryState);
        Assert.Equal("PermanentError", Assert.IsType<ApplicationFailureException>(activity.InnerException).ErrorType);
    }

    [Fact]
    public async Task MaximumAttemptsStopsRetrying()
    {
        var queue = Id("retry");
        var acts = new FlakyActivities();
        var ex = await WithWorkerAsync(Options(queue, acts), async () =>
        {
            var (run, _) = await StartAsync(queue, new FlakyPlan(SucceedOnAttempt: 10, MaximumAttempts: 2));
            return await Assert.ThrowsAsync<WorkflowFailedException>(run);
        });
        Assert.Equal(new[] { 1, 2 }, acts.Attempts.ToArray());
        var activity = Assert.IsType<ActivityFailureException>(ex.InnerException);
        Assert.Equal(RetryState.MaximumAttemptsReached, activity.RetryState);
        Assert.Equal("failure on attempt 2", activity.InnerException!.Message);
    }

    [Fact]
    public async Task LocalActivityRetriesAndSucceeds()
    {
        var queue = Id("local");
        var acts = new FlakyActivities();
        var (result, handle) = await WithWorkerAsync(Options(queue, acts), async () =>
        {
            var (run, h) = await StartAsync(queue, new FlakyPlan(SucceedOnAttempt: 2, Local: true));
            return (await run(), h);
        });
        Assert.Equal("succeeded on attempt 2", result);
        Assert.Equal(new[] { 1, 2 }, acts.Attempts.ToArray());
        // A local activity leaves a marker, never activity events.
        var types = EventTypes(await HistoryAsync(handle));
        Assert.Contains(EventType.MarkerRecorded, types);
        Assert.DoesNotContain(EventType.ActivityTaskScheduled, types);
    }

    [Fact]
    public async Task LocalActivityNonRetryableFailureFailsTheWorkflow()
    {
        var queue = Id("local");
        var acts = new FlakyActivities();
        var ex = await WithWorkerAsync(Options(queue, acts), async () =>
        {
            var (run, _) = await StartAsync(queue, new FlakyPlan(SucceedOnAttempt: 5, NonRetryable: true, Local: true));
            return await Assert.ThrowsAsync<WorkflowFailedException>(run);
        });
        Assert.Equal(new[] { 1 }, acts.Attempts.ToArray());
        // How the SDK wraps a local activity's error is its own business; the error itself must arrive intact.
        var app = Assert.Single(Causes(ex).OfType<ApplicationFailureException>());
        Assert.Equal("failure on attempt 1", app.Message);
        Assert.True(app.NonRetryable);
    }

    private static IEnumerable<Exception> Causes(Exception e)
    {
        for (var c = e.InnerException; c != null; c = c.InnerException) yield return c;
    }
}
