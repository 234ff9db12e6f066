using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Tests.Conformance.Nexus;

/// <summary>
/// Asynchronous operations backed by a workflow (WorkflowRunOperationHandler): the handler starts a
/// workflow with a completion callback, the caller records Started, and the workflow's outcome
/// comes back through the callback. Caller and handler histories link to each other.
/// </summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class NexusAsyncOperationTests(ServerFixture fx) : NexusTest(fx)
{
    private static HandlerRequest Request(string mode, string text) => new(ServerFixture.Unique("nexus-handler"), mode, text);

    [Fact]
    public async Task WorkflowBackedOperationDeliversTheHandlerWorkflowsResult()
    {
        var queue = Queue();
        var ep = await CreateEndpointAsync(queue);
        await WithWorkerAsync(WorkerOptions(queue), async () =>
        {
            var req = Request("echo", "async world");
            var (outcome, handle) = await CallAsync(queue, new CallerRequest(ep.Spec.Name, "RunWorkflow", "", req));
            Assert.Equal("ok:hello async world", outcome);
            var nexus = (await HistoryAsync(handle)).Where(e => e.EventType.ToString().StartsWith("NexusOperation", StringComparison.Ordinal)).ToList();
            Assert.Equal(new[] { EventType.NexusOperationScheduled, EventType.NexusOperationStarted, EventType.NexusOperationCompleted }, EventTypes(nexus));
            Assert.False(string.IsNullOrEmpty(nexus[1].NexusOperationStartedEventAttributes.OperationToken));
            var handler = Client.GetWorkflowHandle(req.WorkflowId);
            Assert.Equal("hello async world", await handler.GetResultAsync<string>());
        });
    }

    [Fact]
    public async Task CallerAndHandlerHistoriesLinkToEachOther()
    {
        var queue = Queue();
        var ep = await CreateEndpointAsync(queue);
        await WithWorkerAsync(WorkerOptions(queue), async () =>
        {
            var req = Request("echo", "linked");
            var (outcome, handle) = await CallAsync(queue, new CallerRequest(ep.Spec.Name, "RunWorkflow", "", req));
            Assert.Equal("ok:hello linked", outcome);
            var callerEvents = await HistoryAsync(handle);
            var scheduled = callerEvents.Single(e => e.EventType == EventType.NexusOperationScheduled);
            var started = callerEvents.Single(e => e.EventType == EventType.NexusOperationStarted);
            var handlerRun = await Client.GetWorkflowHandle(req.WorkflowId).DescribeAsync();

            // Caller → handler: the Started event points at the handler workflow's start.
            var forward = Assert.Single(started.Links).WorkflowEvent;
            Assert.Equal(req.WorkflowId, forward.WorkflowId);
            Assert.Equal(handlerRun.RunId, forward.RunId);
            Assert.Equal(EventType.WorkflowExecutionStarted, forward.EventRef.EventType);

            // Handler → caller: the handler workflow's start points back at the Scheduled event.
            var handlerStart = (await HistoryAsync(Client.GetWorkflowHandle(req.WorkflowId)))[0];
            Assert.NotEmpty(handlerStart.Links);
            var back = handlerStart.Links[0].WorkflowEvent;
            Assert.Equal(handle.Id, back.WorkflowId);
            Assert.Equal(scheduled.EventId, back.EventRef.EventId);
            Assert.Equal(EventType.NexusOperationScheduled, back.EventRef.EventType);
            Assert.Single(handlerStart.WorkflowExecutionStartedEventAttributes.CompletionCallbacks);
        });
    }

    [Fact]
    public async Task HandlerWorkflowFailureFailsTheCallersOperation()
    {
        var queue = Queue();
        var ep = await CreateEndpointAsync(queue);
        await WithWorkerAsync(WorkerOptions(queue), async () =>
        {
            var (outcome, handle) = await CallAsync(queue, new CallerRequest(ep.Spec.Name, "RunWorkflow", "", Request("fail", "boom")));
            Assert.Equal("nexus-failure:ApplicationFailureException:handler workflow failed: boom", outcome);
            Assert.Contains(EventType.NexusOperationFailed, EventTypes(await HistoryAsync(handle)));
        });
    }

    [Fact]
    public async Task TerminatingTheHandlerWorkflowFailsTheCallersOperation()
    {
        var queue = Queue();
        var ep = await CreateEndpointAsync(queue);
        await WithWorkerAsync(WorkerOptions(queue), async () =>
        {
            var req = Request("wait", "never");
            var caller = await Client.StartWorkflowAsync((NexusCallerWorkflow wf) => wf.RunAsync(new CallerRequest(ep.Spec.Name, "RunWorkflow", "", req)),
                new(Id("nexus-caller"), queue));
            var handler = Client.GetWorkflowHandle(req.WorkflowId);
            await EventuallyAsync(async () => (await HistoryAsync(caller)).Any(e => e.EventType == EventType.NexusOperationStarted), ok => ok, "operation started");
            await handler.TerminateAsync("operator stopped it");
            var outcome = await caller.GetResultAsync<string>();
            Assert.StartsWith("nexus-failure:TerminatedFailureException:", outcome);
        });
    }

    [Fact]
    public async Task HandlerWorkflowThatContinuesAsNewCompletesTheOperationWithItsLastRun()
    {
        var queue = Queue();
        var ep = await CreateEndpointAsync(queue);
        await WithWorkerAsync(WorkerOptions(queue), async () =>
        {
            var (outcome, _) = await CallAsync(queue, new CallerRequest(ep.Spec.Name, "RunWorkflow", "", Request("continue-2", "x")));
            Assert.Equal("ok:continued: x++", outcome);
        });
    }

    [Fact]
    public async Task HandlerWorkflowDescribesItsCompletionCallback()
    {
        var queue = Queue();
        var ep = await CreateEndpointAsync(queue);
        await WithWorkerAsync(WorkerOptions(queue), async () =>
        {
            var req = Request("wait", "describe");
            var caller = await Client.StartWorkflowAsync((NexusCallerWorkflow wf) => wf.RunAsync(new CallerRequest(ep.Spec.Name, "RunWorkflow", "", req)),
                new(Id("nexus-caller"), queue));
            var waiting = await EventuallyAsync(() => DescribeRawAsync(req.WorkflowId).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null),
                d => d != null && d.Callbacks.Count == 1, "handler workflow with its callback");
            Assert.Equal(CallbackState.Standby, waiting!.Callbacks[0].State);
            var pending = Assert.Single((await DescribeRawAsync(caller.Id)).PendingNexusOperations);
            Assert.Equal(PendingNexusOperationState.Started, pending.State);
            Assert.Equal(ep.Spec.Name, pending.Endpoint);
            Assert.Equal("RunWorkflow", pending.Operation);

            await Client.GetWorkflowHandle(req.WorkflowId).SignalAsync((NexusHandlerWorkflow wf) => wf.FinishAsync());
            Assert.Equal("ok:finished: describe", await caller.GetResultAsync<string>());
            var done = await EventuallyAsync(() => DescribeRawAsync(req.WorkflowId), d => d.Callbacks[0].State == CallbackState.Succeeded, "callback delivered");
            Assert.Empty((await DescribeRawAsync(caller.Id)).PendingNexusOperations);
        });
    }
    [Fact]
    public async Task TwoOperationsAttachedToOneHandlerWorkflowBothComplete()
    {
        var queue = Queue();
        var ep = await CreateEndpointAsync(queue);
        await WithWorkerAsync(WorkerOptions(queue), async () =>
        {
            var shared = new HandlerRequest(ServerFixture.Unique("nexus-shared"), "wait", "shared", UseExisting: true);
            var first = await Client.StartWorkflowAsync((NexusCallerWorkflow wf) => wf.RunAsync(new CallerRequest(ep.Spec.Name, "RunWorkflow", "", shared)),
                new(Id("nexus-caller"), queue));
            await EventuallyAsync(async () => (await HistoryAsync(first)).Any(e => e.EventType == EventType.NexusOperationStarted), ok => ok, "first operation started");
            var second = await Client.StartWorkflowAsync((NexusCallerWorkflow wf) => wf.RunAsync(new CallerRequest(ep.Spec.Name, "RunWorkflow", "", shared)),
                new(Id("nexus-caller"), queue));
            await EventuallyAsync(async () => (await HistoryAsync(second)).Any(e => e.EventType == EventType.NexusOperationStarted), ok => ok, "second operation started");

            await Client.GetWorkflowHandle(shared.WorkflowId).SignalAsync((NexusHandlerWorkflow wf) => wf.FinishAsync());
            Assert.Equal("ok:finished: shared", await first.GetResultAsync<string>());
            Assert.Equal("ok:finished: shared", await second.GetResultAsync<string>());
        });
    }
}
