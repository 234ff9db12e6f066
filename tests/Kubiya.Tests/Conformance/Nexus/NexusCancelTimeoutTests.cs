using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance.Nexus;

/// <summary>
/// Cancel of asynchronous operations (it cancels the handler workflow) and the operation deadlines:
/// nothing leaves a caller waiting once its timeout has passed, even when no handler ever polls.
/// </summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class NexusCancelTimeoutTests(ServerFixture fx) : NexusTest(fx)
{
    private static HandlerRequest Waiting(string text) => new(ServerFixture.Unique("nexus-handler"), "wait", text);

    [Fact]
    public async Task CancelingAStartedOperationCancelsTheHandlerWorkflow()
    {
        var queue = Queue();
        var ep = await CreateEndpointAsync(queue);
        await WithWorkerAsync(WorkerOptions(queue), async () =>
        {
            var req = Waiting("cancel me");
            var (outcome, handle) = await CallAsync(queue, new CallerRequest(ep.Spec.Name, "RunWorkflow", "", req, CancelAfterStart: true));
            Assert.StartsWith("nexus-failure:CanceledFailureException:", outcome);
            var handler = await Client.GetWorkflowHandle(req.WorkflowId).DescribeAsync();
            Assert.Equal(Temporalio.Api.Enums.V1.WorkflowExecutionStatus.Canceled, handler.Status);
            var types = EventTypes(await HistoryAsync(handle));
            Assert.True(types.IndexOf(EventType.NexusOperationStarted) < types.IndexOf(EventType.NexusOperationCancelRequested));
            Assert.True(types.IndexOf(EventType.NexusOperationCancelRequested) < types.IndexOf(EventType.NexusOperationCanceled));
        });
    }

    [Fact]
    public async Task WaitCancellationRequestedReturnsOnceTheHandlerAcceptedTheCancel()
    {
        var queue = Queue();
        var ep = await CreateEndpointAsync(queue);
        await WithWorkerAsync(WorkerOptions(queue), async () =>
        {
            // The handler workflow takes the cancel but keeps running: only the accepted cancel
            // request (NexusOperationCancelRequestCompleted) can let the caller return.
            var req = new HandlerRequest(ServerFixture.Unique("nexus-handler"), "linger", "cancel requested");
            var (outcome, handle) = await CallAsync(queue, new CallerRequest(ep.Spec.Name, "RunWorkflow", "", req, CancelAfterStart: true,
                CancellationType: NexusOperationCancellationType.WaitCancellationRequested));
            Assert.StartsWith("nexus-failure:CanceledFailureException:", outcome);
            var types = EventTypes(await HistoryAsync(handle));
            Assert.True(types.IndexOf(EventType.NexusOperationCancelRequested) < types.IndexOf(EventType.NexusOperationCancelRequestCompleted));
            Assert.DoesNotContain(EventType.NexusOperationCanceled, types);
            // The caller did not wait for the operation to end: the handler workflow still runs, with the cancel requested.
            var handler = Client.GetWorkflowHandle<NexusHandlerWorkflow>(req.WorkflowId);
            Assert.Equal(Temporalio.Api.Enums.V1.WorkflowExecutionStatus.Running, (await handler.DescribeAsync()).Status);
            Assert.Contains(EventType.WorkflowExecutionCancelRequested, EventTypes(await HistoryAsync(handler)));
            await handler.SignalAsync(wf => wf.FinishAsync());
            await EventuallyAsync(async () => (await handler.DescribeAsync()).Status,
                s => s == Temporalio.Api.Enums.V1.WorkflowExecutionStatus.Canceled, "handler workflow canceled");
        });
    }

    [Fact]
    public async Task WaitCancellationRequestedEndsOnTheAcceptedCancelOrOnTheCancelOutcomeWhicheverComesFirst()
    {
        var queue = Queue();
        var ep = await CreateEndpointAsync(queue);
        await WithWorkerAsync(WorkerOptions(queue), async () =>
        {
            // The handler workflow ends at once when canceled, so its outcome races the answer to the
            // cancel request. As in Temporal, an answer arriving after the operation closed is dropped
            // (no CancelRequestCompleted then), and one recorded in time comes before the close.
            var req = Waiting("cancel requested");
            var (outcome, handle) = await CallAsync(queue, new CallerRequest(ep.Spec.Name, "RunWorkflow", "", req, CancelAfterStart: true,
                CancellationType: NexusOperationCancellationType.WaitCancellationRequested));
            Assert.StartsWith("nexus-failure:CanceledFailureException:", outcome);
            var types = EventTypes(await HistoryAsync(handle));
            var requested = types.IndexOf(EventType.NexusOperationCancelRequested);
            var accepted = types.IndexOf(EventType.NexusOperationCancelRequestCompleted);
            var canceled = types.IndexOf(EventType.NexusOperationCanceled);
            Assert.True(requested > 0 && (accepted > requested || canceled > requested), string.Join(", ", types));
            if (accepted > 0 && canceled > 0) Assert.True(accepted < canceled, string.Join(", ", types));
            Assert.DoesNotContain(EventType.NexusOperationCancelRequestFailed, types);
            await EventuallyAsync(async () => (await Client.GetWorkflowHandle(req.WorkflowId).DescribeAsync()).Status,
                s => s == Temporalio.Api.Enums.V1.WorkflowExecutionStatus.Canceled, "handler workflow canceled");
        });
    }

    [Fact]
    public async Task OperationNobodyPollsForTimesOutAfterScheduleToClose()
    {
        var callerQueue = Queue();
        var ep = await CreateEndpointAsync(Queue()); // no worker ever polls this queue
        await WithWorkerAsync(WorkerOptions(callerQueue), async () =>
        {
            var (outcome, handle) = await CallAsync(callerQueue, new CallerRequest(ep.Spec.Name, "Echo", "hello?", ScheduleToCloseSeconds: 2));
            Assert.Equal("nexus-failure:TimeoutFailureException:ScheduleToClose", outcome);
            var timedOut = (await HistoryAsync(handle)).Single(e => e.EventType == EventType.NexusOperationTimedOut);
            Assert.NotNull(timedOut.NexusOperationTimedOutEventAttributes.Failure.NexusOperationExecutionFailureInfo);
        });
    }

    [Fact]
    public async Task StartedOperationTimesOutAfterScheduleToCloseWhileItsWorkflowRuns()
    {
        var queue = Queue();
        var ep = await CreateEndpointAsync(queue);
        await WithWorkerAsync(WorkerOptions(queue), async () =>
        {
            var req = Waiting("too slow");
            var (outcome, handle) = await CallAsync(queue, new CallerRequest(ep.Spec.Name, "RunWorkflow", "", req, ScheduleToCloseSeconds: 4));
            Assert.Equal("nexus-failure:TimeoutFailureException:ScheduleToClose", outcome);
            var types = EventTypes(await HistoryAsync(handle));
            Assert.Contains(EventType.NexusOperationStarted, types);
            Assert.Contains(EventType.NexusOperationTimedOut, types);
            await Client.GetWorkflowHandle(req.WorkflowId).TerminateAsync("test cleanup");
        });
    }

    [Fact]
    public async Task OperationNobodyPicksUpTimesOutAfterScheduleToStart()
    {
        var callerQueue = Queue();
        var ep = await CreateEndpointAsync(Queue());
        await WithWorkerAsync(WorkerOptions(callerQueue), async () =>
        {
            var (outcome, _) = await CallAsync(callerQueue, new CallerRequest(ep.Spec.Name, "Echo", "anyone", ScheduleToCloseSeconds: 60, ScheduleToStartSeconds: 2));
            Assert.Equal("nexus-failure:TimeoutFailureException:ScheduleToStart", outcome);
        });
    }

    [Fact]
    public async Task CancelBeforeAnyHandlerTookTheOperationCancelsItAtOnce()
    {
        var callerQueue = Queue();
        var ep = await CreateEndpointAsync(Queue());
        await WithWorkerAsync(WorkerOptions(callerQueue), async () =>
        {
            var (outcome, handle) = await CallAsync(callerQueue, new CallerRequest(ep.Spec.Name, "Echo", "never", CancelAtOnce: true));
            Assert.StartsWith("nexus-failure:CanceledFailureException:", outcome);
            var types = EventTypes(await HistoryAsync(handle));
            Assert.Contains(EventType.NexusOperationCancelRequested, types);
            Assert.Contains(EventType.NexusOperationCanceled, types);
        });
    }

    [Fact]
    public async Task PendingOperationIsDescribedWhileItWaitsForAHandler()
    {
        var callerQueue = Queue();
        var ep = await CreateEndpointAsync(Queue());
        await WithWorkerAsync(WorkerOptions(callerQueue), async () =>
        {
            var request = new CallerRequest(ep.Spec.Name, "Echo", "waiting", ScheduleToCloseSeconds: 30);
            var caller = await Client.StartWorkflowAsync((NexusCallerWorkflow wf) => wf.RunAsync(request),
                new(Id("nexus-caller"), callerQueue));
            var described = await EventuallyAsync(() => DescribeRawAsync(caller.Id), d => d.PendingNexusOperations.Count == 1, "pending operation");
            var op = described.PendingNexusOperations[0];
            Assert.Equal(ep.Spec.Name, op.Endpoint);
            Assert.Equal("kubiya-conformance", op.Service);
            Assert.Equal("Echo", op.Operation);
            Assert.Equal(TimeSpan.FromSeconds(30), op.ScheduleToCloseTimeout.ToTimeSpan());
            Assert.NotEqual(PendingNexusOperationState.Started, op.State);
            await caller.TerminateAsync("test done");
        });
    }
}
