using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.OperatorService.V1;
using Temporalio.Client;
using Temporalio.Common;
using Temporalio.Worker;

namespace Kubiya.Tests.Visibility;

/// <summary>Registered attributes, indexed values and admitted updates survive a hard kill of the embedded server (each test runs its own).</summary>
[Trait("Category", "Visibility")]
public sealed class VisibilityRestartTests
{
    private static Task<TemporalClient> ConnectAsync(ServerProcess server) =>
        server.ConnectAsync();

    [Fact]
    public async Task RegistryAndIndexSurviveAKill()
    {
        await using var server = new ServerProcess();
        await server.StartAsync();
        var client = await ConnectAsync(server);
        await client.Connection.OperatorService.AddSearchAttributesAsync(new AddSearchAttributesRequest
        {
            Namespace = "default",
            SearchAttributes = { [VisibilityKit.Team.Name] = IndexedValueType.Keyword },
        });
        await client.StartWorkflowAsync("VisIdle", Array.Empty<object?>(), new WorkflowOptions("restart-1", "restart-q")
        {
            TypedSearchAttributes = new SearchAttributeCollection.Builder().Set(VisibilityKit.Team, "durable").ToSearchAttributeCollection(),
        });

        server.Kill();
        await server.StartAsync(server.Port);
        client = await ConnectAsync(server);

        var found = new List<string>();
        await foreach (var wf in client.ListWorkflowsAsync("KubiyaTeam = 'durable'")) found.Add(wf.Id);
        Assert.Equal(new[] { "restart-1" }, found);
        var listed = await client.Connection.OperatorService.ListSearchAttributesAsync(new() { Namespace = "default" });
        Assert.Equal(IndexedValueType.Keyword, listed.CustomAttributes[VisibilityKit.Team.Name]);
    }

    [Fact]
    public async Task AdmittedUpdateIsDeliveredAfterARestart()
    {
        await using var server = new ServerProcess();
        await server.StartAsync();
        var client = await ConnectAsync(server);
        var handle = await client.StartWorkflowAsync((UpdatableWorkflow wf) => wf.RunAsync(), new("restart-upd", "restart-upd-q"));

        // No worker yet: the update is admitted and waits. Then the server dies under the waiting caller.
        var update = handle.ExecuteUpdateAsync(wf => wf.AddItemAsync("kept"));
        await Task.Delay(500);
        Assert.False(update.IsCompleted);
        server.Kill();
        await server.StartAsync(server.Port);

        // The client's retry of the same update id finds it admitted; a worker now accepts and completes it.
        using var worker = new TemporalWorker(await ConnectAsync(server),
            new TemporalWorkerOptions("restart-upd-q").AddWorkflow<UpdatableWorkflow>());
        await worker.ExecuteAsync(async () =>
        {
            Assert.Equal(1, await update.WaitAsync(TimeSpan.FromSeconds(60)));
        });
    }
}
