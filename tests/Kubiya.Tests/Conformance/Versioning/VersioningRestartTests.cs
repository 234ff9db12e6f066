using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Worker;

namespace Kubiya.Tests.Conformance.Versioning;

/// <summary>
/// kill -9 of Kubiya.Server with a deployment routed to v2 and a run pinned to v1: after a restart
/// on the same database the deployment, its routing and the pin are all still there.
/// Uses its own server process, so it cannot share the collection fixture.
/// </summary>
[Trait("Category", "Conformance")]
public sealed class VersioningRestartTests : IAsyncLifetime
{
    private readonly ServerProcess server = new();

    public Task InitializeAsync() => server.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [EmbeddedServerFact]
    public async Task DeploymentsRoutingAndPinsSurviveAKillNine()
    {
        var client = await server.ConnectAsync();
        var queue = ServerFixture.Unique("vq");
        var dep = ServerFixture.Unique("restart");
        WorkflowHandle h;
        using (var w1 = new TemporalWorker(client, VersioningTest.VersionedOptions(queue, dep, "v1")))
        using (var w2 = new TemporalWorker(client, VersioningTest.VersionedOptions(queue, dep, "v2")))
        {
            h = await w1.ExecuteAsync(async () =>
            {
                await WaitForVersionAsync(client, dep, "v1");
                await SetCurrentAsync(client, dep, "v1");
                var started = await client.StartWorkflowAsync((PinnedSteps wf) => wf.RunAsync(1), new(ServerFixture.Unique("pinned"), queue));
                await WaitForFirstTaskAsync(started);
                return started;
            });
            await w2.ExecuteAsync(async () =>
            {
                await WaitForVersionAsync(client, dep, "v2");
                await SetCurrentAsync(client, dep, "v2");
            });
        }

        server.Kill();
        await server.StartAsync(server.Port);
        client = await server.ConnectAsync();

        var routing = (await client.WorkflowService.DescribeWorkerDeploymentAsync(new() { Namespace = "default", DeploymentName = dep }))
            .WorkerDeploymentInfo.RoutingConfig;
        Assert.Equal("v2", routing.CurrentDeploymentVersion.BuildId);
        var v1 = (await client.WorkflowService.DescribeWorkerDeploymentVersionAsync(new()
        {
            Namespace = "default", DeploymentVersion = new() { DeploymentName = dep, BuildId = "v1" },
        })).WorkerDeploymentVersionInfo;
        Assert.Equal(2, v1.TaskQueueInfos.Count(q => q.Name == queue));
        Assert.Equal(WorkerDeploymentVersionStatus.Draining, v1.Status);

        // Both versions poll again; the pinned run still goes to v1, a new one to v2.
        using var again1 = new TemporalWorker(client, VersioningTest.VersionedOptions(queue, dep, "v1"));
        using var again2 = new TemporalWorker(client, VersioningTest.VersionedOptions(queue, dep, "v2"));
        using var stop = new CancellationTokenSource();
        var run1 = again1.ExecuteAsync(stop.Token);
        var run2 = again2.ExecuteAsync(stop.Token);
        try
        {
            var handle = client.GetWorkflowHandle<PinnedSteps>(h.Id);
            await handle.SignalAsync(wf => wf.NextAsync());
            Assert.Equal("v1,v1", await handle.GetResultAsync<string>().WaitAsync(TimeSpan.FromSeconds(60)));
            var fresh = await client.StartWorkflowAsync((PinnedSteps wf) => wf.RunAsync(0), new(ServerFixture.Unique("fresh"), queue));
            Assert.Equal("v2", await fresh.GetResultAsync<string>().WaitAsync(TimeSpan.FromSeconds(60)));
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(run1, run2).ContinueWith(_ => { });
        }
    }

    private static async Task WaitForVersionAsync(TemporalClient client, string dep, string build)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                var v = await client.WorkflowService.DescribeWorkerDeploymentVersionAsync(new()
                {
                    Namespace = "default", DeploymentVersion = new() { DeploymentName = dep, BuildId = build },
                });
                if (v.WorkerDeploymentVersionInfo.TaskQueueInfos.Count >= 2) return;
            }
            catch (Temporalio.Exceptions.RpcException e) when (e.Code == Temporalio.Exceptions.RpcException.StatusCode.NotFound) { }
            if (DateTime.UtcNow > until) Assert.Fail($"version {dep}.{build} never registered");
            await Task.Delay(100);
        }
    }

    private static Task SetCurrentAsync(TemporalClient client, string dep, string build) =>
        client.WorkflowService.SetWorkerDeploymentCurrentVersionAsync(new() { Namespace = "default", DeploymentName = dep, BuildId = build });

    private static async Task WaitForFirstTaskAsync(WorkflowHandle h)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await h.FetchHistoryAsync()).Events.All(e => e.EventType != EventType.WorkflowTaskCompleted))
        {
            if (DateTime.UtcNow > until) Assert.Fail("the first workflow task never completed");
            await Task.Delay(100);
        }
    }
}
