using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Nexus.V1;
using Temporalio.Api.OperatorService.V1;
using Temporalio.Client;
using Temporalio.Worker;

namespace Kubiya.Tests.Conformance.Nexus;

/// <summary>
/// Plumbing for Nexus conformance tests: an endpoint per test targeting a fresh task queue, and
/// a worker on that queue hosting the caller workflow, the handler workflow and the service.
/// Everything runs through the real Temporalio client and worker (a real Temporal server too,
/// with KUBIYA_TEST_TEMPORAL_ADDRESS).
/// </summary>
public abstract class NexusTest(ServerFixture fx) : ConformanceTest(fx)
{
    protected NexusTestHandler Handler { get; } = new();

    /// <summary>Creates an endpoint whose worker target is <paramref name="taskQueue"/> in the test namespace.</summary>
    protected async Task<Endpoint> CreateEndpointAsync(string taskQueue, string? name = null)
    {
        var resp = await Client.Connection.OperatorService.CreateNexusEndpointAsync(new CreateNexusEndpointRequest
        {
            Spec = WorkerSpec(name ?? EndpointName(), taskQueue),
        });
        return resp.Endpoint;
    }

    protected EndpointSpec WorkerSpec(string name, string taskQueue) => new()
    {
        Name = name,
        Target = new EndpointTarget { Worker = new() { Namespace = Fx.Namespace, TaskQueue = taskQueue } },
    };

    protected static string EndpointName() => "kubiya-nx-" + Guid.NewGuid().ToString("N")[..12];

    protected static string Queue() => "nexus-" + Guid.NewGuid().ToString("N")[..12];

    protected TemporalWorkerOptions WorkerOptions(string queue) =>
        new TemporalWorkerOptions(queue).AddWorkflow<NexusCallerWorkflow>().AddWorkflow<NexusHandlerWorkflow>().AddNexusService(Handler);

    /// <summary>Runs the caller workflow to its end and returns its outcome text and handle.</summary>
    protected async Task<(string Outcome, WorkflowHandle Handle)> CallAsync(string queue, CallerRequest request)
    {
        var handle = await Client.StartWorkflowAsync((NexusCallerWorkflow wf) => wf.RunAsync(request), new(Id("nexus-caller"), queue));
        return (await handle.GetResultAsync<string>(), handle);
    }
}
