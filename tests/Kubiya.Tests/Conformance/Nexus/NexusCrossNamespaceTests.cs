using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Nexus.V1;
using Temporalio.Api.OperatorService.V1;
using Temporalio.Client;
using Temporalio.Exceptions;
using Temporalio.Worker;

namespace Kubiya.Tests.Conformance.Nexus;

/// <summary>
/// Nexus across namespaces, its reason to exist: the caller runs in one namespace, the endpoint
/// targets a task queue in another, and the handler workflow's completion crosses back.
/// </summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class NexusCrossNamespaceTests(ServerFixture fx) : NexusTest(fx)
{
    private async Task<string> HandlerNamespaceAsync()
    {
        var ns = "kubiya-nexus-handlers";
        try
        {
            await Client.Connection.WorkflowService.RegisterNamespaceAsync(new() { Namespace = ns, WorkflowExecutionRetentionPeriod = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromDays(1)) });
        }
        catch (RpcException ex) when (ex.Code == RpcException.StatusCode.AlreadyExists) { }
        // A real cluster takes a moment to know a new namespace everywhere.
        await EventuallyAsync(async () =>
        {
            try { await Client.Connection.WorkflowService.DescribeNamespaceAsync(new() { Namespace = ns }); return true; }
            catch (RpcException) { return false; }
        }, ok => ok, "handler namespace registered");
        return ns;
    }

    [Fact]
    public async Task CallerInOneNamespaceGetsTheResultOfAHandlerWorkflowInAnother()
    {
        var handlerNs = await HandlerNamespaceAsync();
        var handlerQueue = Queue();
        var callerQueue = Queue();
        var name = EndpointName();
        await Client.Connection.OperatorService.CreateNexusEndpointAsync(new CreateNexusEndpointRequest
        {
            Spec = new EndpointSpec { Name = name, Target = new EndpointTarget { Worker = new() { Namespace = handlerNs, TaskQueue = handlerQueue } } },
        });
        var options = Fx.ConnectOptions();
        options.Namespace = handlerNs;
        var handlerClient = await TemporalClient.ConnectAsync(options);
        using var handlerWorker = new TemporalWorker(handlerClient, new TemporalWorkerOptions(handlerQueue)
            .AddWorkflow<NexusHandlerWorkflow>().AddNexusService(Handler));
        await handlerWorker.ExecuteAsync(() => WithWorkerAsync(new TemporalWorkerOptions(callerQueue).AddWorkflow<NexusCallerWorkflow>(), async () =>
        {
            var req = new HandlerRequest(ServerFixture.Unique("nexus-xns"), "echo", "other namespace");
            var (outcome, handle) = await CallAsync(callerQueue, new CallerRequest(name, "RunWorkflow", "", req));
            Assert.Equal("ok:hello other namespace", outcome);
            // The handler workflow ran in the handler namespace, and the caller's history links to it there.
            var handlerRun = await handlerClient.GetWorkflowHandle(req.WorkflowId).DescribeAsync();
            Assert.Equal(Temporalio.Api.Enums.V1.WorkflowExecutionStatus.Completed, handlerRun.Status);
            var started = (await HistoryAsync(handle)).Single(e => e.EventType == EventType.NexusOperationStarted);
            Assert.Equal(handlerNs, started.Links[0].WorkflowEvent.Namespace);
        }).WaitAsync(ResultTimeout));
    }
}
