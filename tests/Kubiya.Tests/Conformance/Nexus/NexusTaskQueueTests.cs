using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Tests.Conformance.Nexus;

/// <summary>DescribeTaskQueue of type Nexus lists the handler workers polling for Nexus tasks.</summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class NexusTaskQueueTests(ServerFixture fx) : NexusTest(fx)
{
    private async Task<List<string>> PollersAsync(string queue, TaskQueueType type) =>
        (await Client.Connection.WorkflowService.DescribeTaskQueueAsync(new DescribeTaskQueueRequest
        {
            Namespace = Fx.Namespace,
            TaskQueue = new() { Name = queue, Kind = TaskQueueKind.Normal },
            TaskQueueType = type,
        })).Pollers.Select(p => p.Identity).ToList();

    [Fact]
    public async Task DescribeTaskQueueListsNexusPollers()
    {
        var queue = Queue();
        var identity = Id("nexus-poller");
        var options = WorkerOptions(queue);
        options.Identity = identity;
        await WithWorkerAsync(options, async () =>
        {
            var nexus = await EventuallyAsync(() => PollersAsync(queue, TaskQueueType.Nexus), p => p.Contains(identity), "the Nexus poller to be listed");
            Assert.Contains(identity, nexus);
        });
        // A queue nobody serves Nexus on lists no Nexus poller.
        Assert.Empty(await PollersAsync(Queue(), TaskQueueType.Nexus));
    }
}
