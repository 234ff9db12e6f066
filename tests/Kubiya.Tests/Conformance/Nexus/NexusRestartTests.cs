using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Nexus.V1;
using Temporalio.Api.OperatorService.V1;
using Temporalio.Worker;

namespace Kubiya.Tests.Conformance.Nexus;

/// <summary>
/// kill -9 of Kubiya.Server while an asynchronous operation runs and while another waits for a
/// handler: after a restart on the same database both finish as if nothing had happened.
/// </summary>
[Trait("Category", "Conformance")]
public sealed class NexusRestartTests : IAsyncLifetime
{
    private readonly ServerProcess server = new();

    public Task InitializeAsync() => server.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [EmbeddedServerFact]
    public async Task OperationsInFlightSurviveKillNine()
    {
        var client = await server.ConnectAsync();
        var queue = "nexus-restart-" + Guid.NewGuid().ToString("N")[..8];
        var endpoint = "restart-" + Guid.NewGuid().ToString("N")[..8];
        await client.Connection.OperatorService.CreateNexusEndpointAsync(new CreateNexusEndpointRequest
        {
            Spec = new EndpointSpec { Name = endpoint, Target = new EndpointTarget { Worker = new() { Namespace = "default", TaskQueue = queue } } },
        });
        var handlerRequest = new HandlerRequest(ServerFixture.Unique("nexus-restart-handler"), "wait", "restart");
        var asyncCaller = await client.StartWorkflowAsync((NexusCallerWorkflow wf) => wf.RunAsync(new CallerRequest(endpoint, "RunWorkflow", "", handlerRequest)),
            new(ServerFixture.Unique("nexus-restart-async"), queue));
        var options = new TemporalWorkerOptions(queue).AddWorkflow<NexusCallerWorkflow>().AddWorkflow<NexusHandlerWorkflow>().AddNexusService(new NexusTestHandler());
        using (var worker = new TemporalWorker(client, options))
        {
            await worker.ExecuteAsync(async () =>
            {
                var until = DateTime.UtcNow.AddSeconds(60);
                while (!(await asyncCaller.FetchHistoryAsync()).Events.Any(e => e.EventType == EventType.NexusOperationStarted))
                {
                    Assert.True(DateTime.UtcNow < until, "the operation never started");
                    await Task.Delay(100);
                }
            });
        }
        // No handler polls now: this one waits in the queue while the server is killed.
        var syncRequest = new CallerRequest(endpoint, "Echo", "after restart", ScheduleToCloseSeconds: 120);
        var syncCaller = await client.StartWorkflowAsync((NexusCallerWorkflow wf) => wf.RunAsync(syncRequest),
            new(ServerFixture.Unique("nexus-restart-sync"), queue + "-caller"));
        using (var callerWorker = new TemporalWorker(client, new TemporalWorkerOptions(queue + "-caller").AddWorkflow<NexusCallerWorkflow>()))
        {
            await callerWorker.ExecuteAsync(async () =>
            {
                var until = DateTime.UtcNow.AddSeconds(60);
                while (!(await syncCaller.FetchHistoryAsync()).Events.Any(e => e.EventType == EventType.NexusOperationScheduled))
                {
                    Assert.True(DateTime.UtcNow < until, "the operation was never scheduled");
                    await Task.Delay(100);
                }
            });
        }

        server.Kill();
        await server.StartAsync(server.Port);

        var again = await server.ConnectAsync();
        using var after = new TemporalWorker(again, new TemporalWorkerOptions(queue).AddWorkflow<NexusCallerWorkflow>().AddWorkflow<NexusHandlerWorkflow>().AddNexusService(new NexusTestHandler()));
        using var afterCaller = new TemporalWorker(again, new TemporalWorkerOptions(queue + "-caller").AddWorkflow<NexusCallerWorkflow>());
        await afterCaller.ExecuteAsync(() => after.ExecuteAsync(async () =>
        {
            await again.GetWorkflowHandle(handlerRequest.WorkflowId).SignalAsync((NexusHandlerWorkflow wf) => wf.FinishAsync());
            Assert.Equal("ok:finished: restart", await again.GetWorkflowHandle(asyncCaller.Id).GetResultAsync<string>().WaitAsync(TimeSpan.FromSeconds(90)));
            Assert.Equal("ok:echo: after restart", await again.GetWorkflowHandle(syncCaller.Id).GetResultAsync<string>().WaitAsync(TimeSpan.FromSeconds(90)));
        }));
    }
}
