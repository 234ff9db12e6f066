using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Nexus.V1;
using Temporalio.Api.OperatorService.V1;
using Temporalio.Worker;

namespace Kubiya.Tests.Conformance.Nexus;

/// <summary>
/// A handler that takes a request and never answers in time does not hold the operation: after
/// the request timeout (here 2 s, --nexus-request-timeout) the request goes out again.
/// </summary>
[Trait("Category", "Conformance")]
public sealed class NexusRequestTimeoutTests
{
    [EmbeddedServerFact]
    public async Task RequestHeldPastTheRequestTimeoutIsRetried()
    {
        await using var server = new ServerProcess(null, "--nexus-request-timeout", "2");
        await server.StartAsync();
        var client = await server.ConnectAsync();
        var queue = "nexus-reqtimeout-" + Guid.NewGuid().ToString("N")[..8];
        var endpoint = "reqtimeout-" + Guid.NewGuid().ToString("N")[..8];
        await client.Connection.OperatorService.CreateNexusEndpointAsync(new CreateNexusEndpointRequest
        {
            Spec = new EndpointSpec { Name = endpoint, Target = new EndpointTarget { Worker = new() { Namespace = "default", TaskQueue = queue } } },
        });
        var handler = new NexusTestHandler();
        using var worker = new TemporalWorker(client, new TemporalWorkerOptions(queue) { MaxConcurrentNexusTasks = 4 }
            .AddWorkflow<NexusCallerWorkflow>().AddNexusService(handler));
        await worker.ExecuteAsync(async () =>
        {
            var request = new CallerRequest(endpoint, "Misbehave", "hang-first", ScheduleToCloseSeconds: 60);
            var handle = await client.StartWorkflowAsync((NexusCallerWorkflow wf) => wf.RunAsync(request), new(ServerFixture.Unique("nexus-reqtimeout"), queue));
            Assert.Equal("ok:succeeded on attempt 2", await handle.GetResultAsync<string>().WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.True(handler.MisbehaveAttempts >= 2);
        });
    }
}
