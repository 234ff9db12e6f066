using Kubiya.Tests.Infrastructure;
using Temporalio.Activities;
using Temporalio.Client;
using Temporalio.Exceptions;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance;

/// <summary>How activities end: completed from outside the worker, failed by id, or with a result too large to keep.</summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class ActivityCompletionTests(ServerFixture fx) : ConformanceTest(fx)
{
    public sealed class ExternalActivities
    {
        public TaskCompletionSource<byte[]> Token { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Hands its task token out and leaves completion to someone else.</summary>
        [Activity]
        public string WaitForHuman()
        {
            Token.TrySetResult(ActivityExecutionContext.Current.Info.TaskToken);
            throw new CompleteAsyncException();
        }

        [Activity]
        public string Huge(int bytes) => new('x', bytes);

        public TaskCompletionSource<ActivityCancelReason> HugeHeartbeatCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        [Activity]
        public async Task<string> HugeHeartbeat(int bytes)
        {
            var ctx = ActivityExecutionContext.Current;
            ctx.Heartbeat(new string('x', bytes));
            try
            {
                await Task.Delay(Timeout.Infinite, ctx.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                HugeHeartbeatCancelled.TrySetResult(ctx.CancelReason);
                throw;
            }
            return "unreachable";
        }
    }

    public sealed record Plan(string Activity, int Arg = 0, string? ActivityId = null, double HeartbeatSec = 0);

    [Workflow]
    public sealed class ExternalWorkflow
    {
        [WorkflowRun]
        public Task<string> RunAsync(Plan p) =>
            Workflow.ExecuteActivityAsync<string>(p.Activity, p.Arg > 0 ? new object?[] { p.Arg } : Array.Empty<object?>(), new()
            {
                ActivityId = p.ActivityId,
                StartToCloseTimeout = TimeSpan.FromMinutes(2),
                HeartbeatTimeout = p.HeartbeatSec > 0 ? TimeSpan.FromSeconds(p.HeartbeatSec) : null,
                RetryPolicy = new() { InitialInterval = TimeSpan.FromMilliseconds(100), MaximumAttempts = 3 },
                CancellationType = ActivityCancellationType.WaitCancellationCompleted,
            });
    }

    private static TemporalWorkerOptions Options(string queue, ExternalActivities acts) =>
        new TemporalWorkerOptions(queue) { DisablePayloadErrorLimit = true }.AddWorkflow<ExternalWorkflow>().AddAllActivities(acts);

    [Fact]
    public async Task ActivityCompletedFromOutsideTheWorkerByTaskToken()
    {
        var queue = Id("async");
        var acts = new ExternalActivities();
        var result = await WithWorkerAsync(Options(queue, acts), async () =>
        {
            var plan = new Plan("WaitForHuman", HeartbeatSec: 30);
            var h = await Client.StartWorkflowAsync((ExternalWorkflow wf) => wf.RunAsync(plan), new(Id("async"), queue));
            var activity = Client.GetAsyncActivityHandle(await acts.Token.Task);
            await activity.HeartbeatAsync(new() { Details = new object?[] { "still thinking" } });
            await activity.CompleteAsync("approved by a human");
            return await h.GetResultAsync();
        });
        Assert.Equal("approved by a human", result);
    }

    [Fact]
    public async Task ActivityFailedFromOutsideTheWorkerById()
    {
        var queue = Id("async");
        var acts = new ExternalActivities();
        var ex = await WithWorkerAsync(Options(queue, acts), async () =>
        {
            var plan = new Plan("WaitForHuman", ActivityId: "approval");
            var h = await Client.StartWorkflowAsync((ExternalWorkflow wf) => wf.RunAsync(plan), new(Id("async"), queue));
            await acts.Token.Task;
            var activity = Client.GetAsyncActivityHandle(h.Id, h.ResultRunId!, "approval");
            await activity.FailAsync(new ApplicationFailureException("rejected by a human", nonRetryable: true));
            return await Assert.ThrowsAsync<WorkflowFailedException>(() => h.GetResultAsync());
        });
        var activityFailure = Assert.IsType<ActivityFailureException>(ex.InnerException);
        Assert.Equal("approval", activityFailure.ActivityId);
        Assert.Equal("rejected by a human", activityFailure.InnerException!.Message);
    }

    [Fact]
    public async Task ExternalHeartbeatLearnsOfCancellation()
    {
        var queue = Id("async");
        var acts = new ExternalActivities();
        await WithWorkerAsync(Options(queue, acts), async () =>
        {
            var plan = new Plan("WaitForHuman", HeartbeatSec: 30);
            var h = await Client.StartWorkflowAsync((ExternalWorkflow wf) => wf.RunAsync(plan), new(Id("async"), queue));
            var activity = Client.GetAsyncActivityHandle(await acts.Token.Task);
            await h.CancelAsync();
            await EventuallyAsync(async () =>
            {
                try { await activity.HeartbeatAsync(); return false; }
                catch (AsyncActivityCanceledException) { return true; }
            }, cancelled => cancelled, "a heartbeat to report the cancellation");
            await activity.ReportCancellationAsync();
            var ex = await Assert.ThrowsAsync<WorkflowFailedException>(() => h.GetResultAsync());
            Assert.IsType<CanceledFailureException>(ex.InnerException);
        });
    }

    [Fact]
    public async Task OversizedHeartbeatFailsTheActivityForGoodAndCancelsIt()
    {
        var queue = Id("huge");
        var acts = new ExternalActivities();
        var ex = await WithWorkerAsync(Options(queue, acts), () => Assert.ThrowsAsync<WorkflowFailedException>(() =>
            Client.ExecuteWorkflowAsync((ExternalWorkflow wf) => wf.RunAsync(new Plan("HugeHeartbeat", 3 * 1024 * 1024, null, 60)), new(Id("huge"), queue))));
        var failure = Assert.IsAssignableFrom<FailureException>(Assert.IsType<ActivityFailureException>(ex.InnerException).InnerException).Failure!;
        Assert.True(failure.ServerFailureInfo?.NonRetryable, $"expected a non-retryable server failure, got {failure}");
        Assert.Contains("exceed size limit", failure.Message);
        Assert.Equal(ActivityCancelReason.CancelRequested, await acts.HugeHeartbeatCancelled.Task.WaitAsync(ResultTimeout));
    }

    [Fact]
    public async Task OversizedActivityResultFailsTheActivityForGood()
    {
        var queue = Id("huge");
        var acts = new ExternalActivities();
        var workflowId = Id("huge");
        var ex = await WithWorkerAsync(Options(queue, acts), () => Assert.ThrowsAsync<WorkflowFailedException>(() =>
            Client.ExecuteWorkflowAsync((ExternalWorkflow wf) => wf.RunAsync(new Plan("Huge", 3 * 1024 * 1024)), new(workflowId, queue))));
        var activity = Assert.IsType<ActivityFailureException>(ex.InnerException);
        // A non-retryable server failure: one attempt, and the reason says why.
        var failure = Assert.IsAssignableFrom<FailureException>(activity.InnerException).Failure!;
        Assert.True(failure.ServerFailureInfo?.NonRetryable, $"expected a non-retryable server failure, got {failure}");
        Assert.Contains("exceeds size limit", failure.Message);
        var started = (await HistoryAsync(Client.GetWorkflowHandle(workflowId)))
            .Single(e => e.EventType == Temporalio.Api.Enums.V1.EventType.ActivityTaskStarted);
        Assert.Equal(1, started.ActivityTaskStartedEventAttributes.Attempt);
    }
}
