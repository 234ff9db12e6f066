using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Nexus.V1;
using Temporalio.Api.OperatorService.V1;
using Temporalio.Exceptions;

namespace Kubiya.Tests.Conformance.Nexus;

/// <summary>OperatorService Nexus endpoint registry: create, get, update (versioned), delete, list.</summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class NexusEndpointTests(ServerFixture fx) : NexusTest(fx)
{
    private Temporalio.Client.OperatorService Operator => Client.Connection.OperatorService;

    private static async Task<RpcException.StatusCode> CodeOfAsync(Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(call);
        return ex.Code;
    }

    [Fact]
    public async Task CreatedEndpointIsReturnedByGetWithIdVersionAndTarget()
    {
        var queue = Queue();
        var created = await CreateEndpointAsync(queue);
        Assert.False(string.IsNullOrEmpty(created.Id));
        Assert.Equal(1, created.Version);
        Assert.NotNull(created.CreatedTime);

        var got = (await Operator.GetNexusEndpointAsync(new GetNexusEndpointRequest { Id = created.Id })).Endpoint;
        Assert.Equal(created.Id, got.Id);
        Assert.Equal(created.Spec.Name, got.Spec.Name);
        Assert.Equal(queue, got.Spec.Target.Worker.TaskQueue);
        Assert.Equal(Fx.Namespace, got.Spec.Target.Worker.Namespace);
        Assert.Equal(1, got.Version);
    }

    [Fact]
    public async Task SecondEndpointWithTheSameNameIsRejected()
    {
        var first = await CreateEndpointAsync(Queue());
        Assert.Equal(RpcException.StatusCode.AlreadyExists, await CodeOfAsync(() =>
            Operator.CreateNexusEndpointAsync(new CreateNexusEndpointRequest { Spec = WorkerSpec(first.Spec.Name, Queue()) })));
    }

    [Fact]
    public async Task InvalidNameOrMissingTargetIsRejectedAsInvalidArgument()
    {
        Assert.Equal(RpcException.StatusCode.InvalidArgument, await CodeOfAsync(() =>
            Operator.CreateNexusEndpointAsync(new CreateNexusEndpointRequest { Spec = WorkerSpec("not a valid/name", Queue()) })));
        Assert.Equal(RpcException.StatusCode.InvalidArgument, await CodeOfAsync(() =>
            Operator.CreateNexusEndpointAsync(new CreateNexusEndpointRequest { Spec = new EndpointSpec { Name = EndpointName() } })));
    }

    [Fact]
    public async Task UpdateNeedsTheCurrentVersionAndBumpsIt()
    {
        var ep = await CreateEndpointAsync(Queue());
        var newQueue = Queue();
        var updated = (await Operator.UpdateNexusEndpointAsync(new UpdateNexusEndpointRequest
        {
            Id = ep.Id, Version = ep.Version, Spec = WorkerSpec(ep.Spec.Name, newQueue),
        })).Endpoint;
        Assert.Equal(ep.Version + 1, updated.Version);
        Assert.Equal(newQueue, updated.Spec.Target.Worker.TaskQueue);

        // The version the first writer read is stale now: a second update based on it must not win.
        var code = await CodeOfAsync(() => Operator.UpdateNexusEndpointAsync(new UpdateNexusEndpointRequest
        {
            Id = ep.Id, Version = ep.Version, Spec = WorkerSpec(ep.Spec.Name, Queue()),
        }));
        Assert.True(code is RpcException.StatusCode.FailedPrecondition or RpcException.StatusCode.InvalidArgument or RpcException.StatusCode.Aborted, $"stale update answered {code}");
        var got = (await Operator.GetNexusEndpointAsync(new GetNexusEndpointRequest { Id = ep.Id })).Endpoint;
        Assert.Equal(newQueue, got.Spec.Target.Worker.TaskQueue);
        Assert.Equal(updated.Version, got.Version);
    }

    [Fact]
    public async Task DeletedEndpointIsGoneFromGetAndList()
    {
        var ep = await CreateEndpointAsync(Queue());
        await Operator.DeleteNexusEndpointAsync(new DeleteNexusEndpointRequest { Id = ep.Id, Version = ep.Version });
        Assert.Equal(RpcException.StatusCode.NotFound, await CodeOfAsync(() => Operator.GetNexusEndpointAsync(new GetNexusEndpointRequest { Id = ep.Id })));
        var listed = await Operator.ListNexusEndpointsAsync(new ListNexusEndpointsRequest { Name = ep.Spec.Name });
        Assert.Empty(listed.Endpoints);
        // The name is free again.
        var again = await CreateEndpointAsync(Queue(), ep.Spec.Name);
        Assert.NotEqual(ep.Id, again.Id);
    }

    [Fact]
    public async Task ListPagesThroughEveryEndpointAndFiltersByName()
    {
        var mine = new List<Endpoint>();
        for (var i = 0; i < 3; i++) mine.Add(await CreateEndpointAsync(Queue()));
        var seen = new List<string>();
        var token = Google.Protobuf.ByteString.Empty;
        var pages = 0;
        do
        {
            var page = await Operator.ListNexusEndpointsAsync(new ListNexusEndpointsRequest { PageSize = 2, NextPageToken = token });
            Assert.True(page.Endpoints.Count <= 2);
            seen.AddRange(page.Endpoints.Select(e => e.Id));
            token = page.NextPageToken;
            pages++;
        } while (!token.IsEmpty && pages < 1000);
        Assert.All(mine, e => Assert.Contains(e.Id, seen));
        Assert.Equal(seen.Count, seen.Distinct().Count());

        var byName = await Operator.ListNexusEndpointsAsync(new ListNexusEndpointsRequest { Name = mine[1].Spec.Name });
        Assert.Equal(mine[1].Id, Assert.Single(byName.Endpoints).Id);
    }
}

/// <summary>Endpoints are durable: a server restarted on the same database still has them, at the same version.</summary>
[Trait("Category", "Conformance")]
public sealed class NexusEndpointDurabilityTests
{
    [EmbeddedServerFact]
    public async Task EndpointsSurviveAServerRestart()
    {
        await using var server = new ServerProcess();
        await server.StartAsync();
        var client = await server.ConnectAsync();
        var created = (await client.Connection.OperatorService.CreateNexusEndpointAsync(new CreateNexusEndpointRequest
        {
            Spec = new EndpointSpec
            {
                Name = "durable-" + Guid.NewGuid().ToString("N")[..8],
                Target = new EndpointTarget { Worker = new() { Namespace = "default", TaskQueue = "durable-queue" } },
            },
        })).Endpoint;
        var updated = (await client.Connection.OperatorService.UpdateNexusEndpointAsync(new UpdateNexusEndpointRequest
        {
            Id = created.Id, Version = created.Version,
            Spec = new EndpointSpec { Name = created.Spec.Name, Target = new EndpointTarget { Worker = new() { Namespace = "default", TaskQueue = "durable-queue-2" } } },
        })).Endpoint;

        server.Kill();
        await server.StartAsync();
        var again = await server.ConnectAsync();
        var got = (await again.Connection.OperatorService.GetNexusEndpointAsync(new GetNexusEndpointRequest { Id = created.Id })).Endpoint;
        Assert.Equal(updated.Version, got.Version);
        Assert.Equal("durable-queue-2", got.Spec.Target.Worker.TaskQueue);
        Assert.Equal(created.Spec.Name, got.Spec.Name);
    }
}
