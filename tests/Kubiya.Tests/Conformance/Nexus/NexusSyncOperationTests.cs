using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;

namespace Kubiya.Tests.Conformance.Nexus;

/// <summary>Synchronous Nexus operations: the result (or the error) comes back in the start request's answer.</summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class NexusSyncOperationTests(ServerFixture fx) : NexusTest(fx)
{
    [Fact]
    public async Task SyncOperationResultReachesTheCallerWithScheduledThenCompletedInHistory()
    {
        var queue = Queue();
        var ep = await CreateEndpointAsync(queue);
        await WithWorkerAsync(WorkerOptions(queue), async () =>
        {
            var (outcome, handle) = await CallAsync(queue, new CallerRequest(ep.Spec.Name, "Echo", "ping"));
            Assert.Equal("ok:echo: ping", outcome);
            var events = await HistoryAsync(handle);
            var nexus = events.Where(e => e.EventType.ToString().StartsWith("NexusOperation", StringComparison.Ordinal)).ToList();
            Assert.Equal(new[] { EventType.NexusOperationScheduled, EventType.NexusOperationCompleted }, EventTypes(nexus));
            var scheduled = nexus[0].NexusOperationScheduledEventAttributes;
            Assert.Equal(ep.Spec.Name, scheduled.Endpoint);
            Assert.Equal("kubiya-conformance", scheduled.Service);
            Assert.Equal("Echo", scheduled.Operation);
            Assert.Equal(ep.Id, scheduled.EndpointId);
            Assert.Equal(nexus[0].EventId, nexus[1].NexusOperationCompletedEventAttributes.ScheduledEventId);
            Assert.Equal(scheduled.RequestId, nexus[1].NexusOperationCompletedEventAttributes.RequestId);
        });
    }

    [Fact]
    public async Task HandlerReceivesTheRequestIdAndALinkToTheCallersScheduledEvent()
    {
        var queue = Queue();
        var ep = await CreateEndpointAsync(queue);
        await WithWorkerAsync(WorkerOptions(queue), async () =>
        {
            var (outcome, handle) = await CallAsync(queue, new CallerRequest(ep.Spec.Name, "Echo", "link me"));
            Assert.Equal("ok:echo: link me", outcome);
            var scheduled = (await HistoryAsync(handle)).Single(e => e.EventType == EventType.NexusOperationScheduled);
            Assert.Equal(scheduled.NexusOperationScheduledEventAttributes.RequestId, Handler.LastEchoRequestId);
            var link = Assert.Single(Handler.LastEchoLinks);
            var url = Uri.UnescapeDataString(link.Uri.ToString());
            Assert.Contains($"/workflows/{handle.Id}/", url);
            Assert.Contains($"eventID={scheduled.EventId}", url);
            Assert.Contains("NexusOperationScheduled", url);
        });
    }

    [Fact]
    public async Task OperationErrorFailsTheOperationWithTheHandlersMessage()
    {
        var queue = Queue();
        var ep = await CreateEndpointAsync(queue);
        await WithWorkerAsync(WorkerOptions(queue), async () =>
        {
            var (outcome, handle) = await CallAsync(queue, new CallerRequest(ep.Spec.Name, "Misbehave", "operation"));
            Assert.StartsWith("nexus-failure:ApplicationFailureException:", outcome);
            Assert.Contains("the operation refused: invalid order", outcome);
            var failed = (await HistoryAsync(handle)).Single(e => e.EventType == EventType.NexusOperationFailed);
            Assert.NotNull(failed.NexusOperationFailedEventAttributes.Failure.NexusOperationExecutionFailureInfo);
            Assert.Equal(1, Handler.MisbehaveAttempts);
        });
    }

    [Fact]
    public async Task NonRetryableHandlerErrorFailsTheOperationAfterOneAttempt()
    {
        var queue = Queue();
        var ep = await CreateEndpointAsync(queue);
        await WithWorkerAsync(WorkerOptions(queue), async () =>
        {
            var (outcome, _) = await CallAsync(queue, new CallerRequest(ep.Spec.Name, "Misbehave", "bad-request"));
            Assert.StartsWith("nexus-failure:HandlerException:", outcome);
            Assert.Contains("order id missing", outcome);
            Assert.Equal(1, Handler.MisbehaveAttempts);
        });
    }

    [Fact]
    public async Task RetryableHandlerErrorIsRetriedUntilTheHandlerSucceeds()
    {
        var queue = Queue();
        var ep = await CreateEndpointAsync(queue);
        await WithWorkerAsync(WorkerOptions(queue), async () =>
        {
            var (outcome, _) = await CallAsync(queue, new CallerRequest(ep.Spec.Name, "Misbehave", "retry-2", ScheduleToCloseSeconds: 50));
            Assert.Equal("ok:succeeded on attempt 3", outcome);
            Assert.Equal(3, Handler.MisbehaveAttempts);
        });
    }

    /// <summary>
    /// This server fails an operation on an endpoint that is not registered, with the reason, rather
    /// than failing the workflow task over and over (which would leave the caller waiting for ever).
    /// </summary>
    [EmbeddedServerFact]
    public async Task OperationOnAnUnknownEndpointFailsWithTheReason()
    {
        var queue = Queue();
        var missing = EndpointName();
        await WithWorkerAsync(WorkerOptions(queue), async () =>
        {
            var (outcome, handle) = await CallAsync(queue, new CallerRequest(missing, "Echo", "anyone?"));
            Assert.StartsWith("nexus-failure:HandlerException:", outcome);
            Assert.Contains("endpoint not registered", outcome);
            Assert.Contains(missing, outcome);
            Assert.Contains(EventType.NexusOperationFailed, EventTypes(await HistoryAsync(handle)));
        });
    }
    [Fact]
    public async Task OperationTheHandlerDoesNotKnowFailsWithNotFound()
    {
        var queue = Queue();
        var ep = await CreateEndpointAsync(queue);
        await WithWorkerAsync(WorkerOptions(queue), async () =>
        {
            var (outcome, handle) = await CallAsync(queue, new CallerRequest(ep.Spec.Name, "untyped:NoSuchOperation", "x", ScheduleToCloseSeconds: 50));
            Assert.StartsWith("nexus-failure:HandlerException:", outcome);
            Assert.Contains(EventType.NexusOperationFailed, EventTypes(await HistoryAsync(handle)));
        });
    }

    /// <summary>This server does not call external Nexus URLs: such an operation fails at once, saying why.</summary>
    [EmbeddedServerFact]
    public async Task OperationOnAnExternalEndpointFailsAtOnceWithTheReason()
    {
        var queue = Queue();
        var name = EndpointName();
        await Client.Connection.OperatorService.CreateNexusEndpointAsync(new Temporalio.Api.OperatorService.V1.CreateNexusEndpointRequest
        {
            Spec = new() { Name = name, Target = new() { External = new() { Url = "https://nexus.example.invalid/api" } } },
        });
        await WithWorkerAsync(WorkerOptions(queue), async () =>
        {
            var (outcome, _) = await CallAsync(queue, new CallerRequest(name, "Echo", "out there"));
            Assert.StartsWith("nexus-failure:HandlerException:", outcome);
            Assert.Contains("external URL", outcome);
        });
    }
}
