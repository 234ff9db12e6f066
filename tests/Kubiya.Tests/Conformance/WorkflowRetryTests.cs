using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Common;
using Temporalio.Exceptions;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance;

/// <summary>Workflow retry policies and start delays.</summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class WorkflowRetryTests(ServerFixture fx)
{
    [Workflow("FlakyWorkflow")]
    public sealed class FlakyWorkflow
    {
        [WorkflowRun]
        public Task<int> RunAsync(int succeedOnAttempt)
        {
            if (Workflow.Info.Attempt < succeedOnAttempt)
                throw new ApplicationFailureException($"attempt {Workflow.Info.Attempt} fails");
            return Task.FromResult(Workflow.Info.Attempt);
        }
    }

    private static readonly RetryPolicy FastRetry = new() { InitialInterval = TimeSpan.FromMilliseconds(100), MaximumAttempts = 5 };

    [Fact]
    public async Task FailedRunIsRetriedAsANewRunUntilItSucceeds()
    {
        var queue = ServerFixture.Unique("wf-retry");
        using var worker = new TemporalWorker(fx.Client, new TemporalWorkerOptions(queue).AddWorkflow<FlakyWorkflow>());
        await worker.ExecuteAsync(async () =>
        {
            var handle = await fx.Client.StartWorkflowAsync((FlakyWorkflow wf) => wf.RunAsync(3),
                new(ServerFixture.Unique("flaky"), queue) { RetryPolicy = FastRetry });
            Assert.Equal(3, await handle.GetResultAsync());
            var first = await fx.Client.GetWorkflowHandle(handle.Id, runId: handle.ResultRunId).FetchHistoryAsync();
            var failed = Assert.Single(first.Events, e => e.EventType == EventType.WorkflowExecutionFailed);
            Assert.Equal(RetryState.InProgress, failed.WorkflowExecutionFailedEventAttributes.RetryState);
            Assert.False(string.IsNullOrEmpty(failed.WorkflowExecutionFailedEventAttributes.NewExecutionRunId));
            var latest = await fx.Client.GetWorkflowHandle(handle.Id).DescribeAsync();
            Assert.Equal(WorkflowExecutionStatus.Completed, latest.Status);
            Assert.NotEqual(handle.ResultRunId, latest.RunId);
        });
    }

    [Fact]
    public async Task RetriesStopAtMaximumAttempts()
    {
        var queue = ServerFixture.Unique("wf-retry-max");
        using var worker = new TemporalWorker(fx.Client, new TemporalWorkerOptions(queue).AddWorkflow<FlakyWorkflow>());
        await worker.ExecuteAsync(async () =>
        {
            var handle = await fx.Client.StartWorkflowAsync((FlakyWorkflow wf) => wf.RunAsync(10),
                new(ServerFixture.Unique("flaky"), queue) { RetryPolicy = new() { InitialInterval = TimeSpan.FromMilliseconds(50), MaximumAttempts = 2 } });
            var ex = await Assert.ThrowsAsync<WorkflowFailedException>(() => handle.GetResultAsync());
            Assert.Contains("attempt 2 fails", ex.InnerException!.Message);
        });
    }

    [Workflow("DelayedStart")]
    public sealed class DelayedWorkflow
    {
        [WorkflowRun]
        public Task<string> RunAsync() => Task.FromResult("ran");
    }

    [Fact]
    public async Task StartDelayPostponesTheFirstWorkflowTask()
    {
        var queue = ServerFixture.Unique("delay");
        using var worker = new TemporalWorker(fx.Client, new TemporalWorkerOptions(queue).AddWorkflow<DelayedWorkflow>());
        await worker.ExecuteAsync(async () =>
        {
            var handle = await fx.Client.StartWorkflowAsync((DelayedWorkflow wf) => wf.RunAsync(),
                new(ServerFixture.Unique("delayed"), queue) { StartDelay = TimeSpan.FromSeconds(2) });
            Assert.Equal("ran", await handle.GetResultAsync());
            var events = (await handle.FetchHistoryAsync()).Events.ToList();
            var started = events[0];
            Assert.Equal(TimeSpan.FromSeconds(2), started.WorkflowExecutionStartedEventAttributes.FirstWorkflowTaskBackoff.ToTimeSpan());
            var scheduled = events.First(e => e.EventType == EventType.WorkflowTaskScheduled);
            Assert.True(scheduled.EventTime.ToDateTime() - started.EventTime.ToDateTime() >= TimeSpan.FromSeconds(1.9),
                "the first workflow task must not be scheduled before the start delay has passed");
        });
    }
}
