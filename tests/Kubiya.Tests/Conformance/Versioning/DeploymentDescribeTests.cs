using Kubiya.Tests.Infrastructure;
using Temporalio.Exceptions;
using Temporalio.Api.Enums.V1;

namespace Kubiya.Tests.Conformance.Versioning;

/// <summary>Deployments and versions appear from the polls of versioned workers, with their task queues and pollers.</summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class DeploymentDescribeTests(ServerFixture fx) : VersioningTest(fx)
{
    [Fact]
    public async Task AVersionedWorkersPollsCreateItsDeploymentAndVersionWithBothTaskQueueTypes()
    {
        var queue = Id("vq");
        var dep = Deployment("dep");
        await using var w = await StartRegisteredWorkerAsync(queue, dep, "v1");

        var version = (await DescribeVersionAsync(dep, "v1")).WorkerDeploymentVersionInfo;
        Assert.Equal(dep, version.DeploymentName);
        Assert.Equal("v1", version.DeploymentVersion.BuildId);
        Assert.Equal(WorkerDeploymentVersionStatus.Inactive, version.Status);
        Assert.Null(version.CurrentSinceTime);
        Assert.Equal(new[] { TaskQueueType.Workflow, TaskQueueType.Activity },
            version.TaskQueueInfos.Where(q => q.Name == queue).Select(q => q.Type).OrderBy(t => t).ToArray());

        var deployment = (await DescribeDeploymentAsync(dep)).WorkerDeploymentInfo;
        Assert.Equal(dep, deployment.Name);
        var summary = Assert.Single(deployment.VersionSummaries);
        Assert.Equal("v1", summary.DeploymentVersion.BuildId);
        Assert.Equal(WorkerDeploymentVersionStatus.Inactive, summary.Status);
        // Nothing was made current yet: the unversioned workers are.
        Assert.Null(deployment.RoutingConfig.CurrentDeploymentVersion);
        Assert.Null(deployment.RoutingConfig.RampingDeploymentVersion);
    }

    [Fact]
    public async Task ListWorkerDeploymentsShowsEachDeploymentWithItsLatestVersion()
    {
        var queue = Id("vq");
        var dep = Deployment("listed");
        await using var w1 = await StartRegisteredWorkerAsync(queue, dep, "v1");
        await using var w2 = await StartRegisteredWorkerAsync(queue, dep, "v2");
        await SetCurrentAsync(dep, "v1");

        var found = await EventuallyAsync(async () =>
        {
            var all = new List<Temporalio.Api.WorkflowService.V1.ListWorkerDeploymentsResponse.Types.WorkerDeploymentSummary>();
            var token = Google.Protobuf.ByteString.Empty;
            do
            {
                var page = await Service.ListWorkerDeploymentsAsync(new() { Namespace = Fx.Namespace, PageSize = 50, NextPageToken = token });
                all.AddRange(page.WorkerDeployments);
                token = page.NextPageToken;
            } while (!token.IsEmpty);
            return all.SingleOrDefault(d => d.Name == dep);
        }, d => d != null, $"deployment {dep} in the list");
        Assert.Equal("v1", found!.CurrentVersionSummary.DeploymentVersion.BuildId);
        Assert.Equal("v2", found.LatestVersionSummary.DeploymentVersion.BuildId);
        Assert.Equal("v1", found.RoutingConfig.CurrentDeploymentVersion.BuildId);
    }

    [Fact]
    public async Task DescribeTaskQueueReportsEachPollersDeploymentOptions()
    {
        var queue = Id("vq");
        var dep = Deployment("pollers");
        await using var w = await StartRegisteredWorkerAsync(queue, dep, "v7");
        var poller = await EventuallyAsync(async () =>
            (await Service.DescribeTaskQueueAsync(new() { Namespace = Fx.Namespace, TaskQueue = new() { Name = queue }, TaskQueueType = TaskQueueType.Workflow }))
                .Pollers.FirstOrDefault(p => p.Identity == $"v7@{queue}"), p => p != null, "the v7 poller on the queue");
        Assert.Equal(dep, poller!.DeploymentOptions.DeploymentName);
        Assert.Equal("v7", poller.DeploymentOptions.BuildId);
        Assert.Equal(WorkerVersioningMode.Versioned, poller.DeploymentOptions.WorkerVersioningMode);
    }

    [Fact]
    public async Task UnknownDeploymentsAndVersionsAreNotFound()
    {
        var dep = Deployment("never-polled");
        await RefusedAsync(() => DescribeDeploymentAsync(dep), RpcException.StatusCode.NotFound);
        await RefusedAsync(() => DescribeVersionAsync(dep, "v1"), RpcException.StatusCode.NotFound);
        // Routing to a version no worker ever polled as is refused unless the caller insists.
        await RefusedAsync(() => SetCurrentAsync(dep, "v1"), RpcException.StatusCode.NotFound);
        await Service.SetWorkerDeploymentCurrentVersionAsync(new()
        {
            Namespace = Fx.Namespace, DeploymentName = dep, BuildId = "v1", AllowNoPollers = true,
        });
        var d = (await DescribeDeploymentAsync(dep)).WorkerDeploymentInfo;
        Assert.Equal("v1", d.RoutingConfig.CurrentDeploymentVersion.BuildId);
    }

    [Fact]
    public async Task VersionMetadataIsUpsertedAndRemoved()
    {
        var queue = Id("vq");
        var dep = Deployment("meta");
        await using var w = await StartRegisteredWorkerAsync(queue, dep, "v1");
        var converter = Temporalio.Converters.DataConverter.Default.PayloadConverter;
        var first = await Service.UpdateWorkerDeploymentVersionMetadataAsync(new()
        {
            Namespace = Fx.Namespace,
            DeploymentVersion = new() { DeploymentName = dep, BuildId = "v1" },
            UpsertEntries = { ["owner"] = converter.ToPayload("team-a"), ["ticket"] = converter.ToPayload(42) },
        });
        Assert.Equal(new[] { "owner", "ticket" }, first.Metadata.Entries.Keys.OrderBy(k => k).ToArray());

        var second = await Service.UpdateWorkerDeploymentVersionMetadataAsync(new()
        {
            Namespace = Fx.Namespace,
            DeploymentVersion = new() { DeploymentName = dep, BuildId = "v1" },
            UpsertEntries = { ["owner"] = converter.ToPayload("team-b") },
            RemoveEntries = { "ticket" },
        });
        Assert.Equal(new[] { "owner" }, second.Metadata.Entries.Keys.ToArray());
        var described = (await DescribeVersionAsync(dep, "v1")).WorkerDeploymentVersionInfo.Metadata.Entries;
        Assert.Equal("team-b", (string?)converter.ToValue(described["owner"], typeof(string)));
        Assert.False(described.ContainsKey("ticket"));

        await RefusedAsync(() => Service.UpdateWorkerDeploymentVersionMetadataAsync(new()
        {
            Namespace = Fx.Namespace,
            DeploymentVersion = new() { DeploymentName = dep, BuildId = "no-such-build" },
            UpsertEntries = { ["owner"] = converter.ToPayload("x") },
        }), RpcException.StatusCode.NotFound);
    }

    /// <summary>This server keeps Temporal's canonical "deployment.build" names unambiguous; a real cluster's rule may differ.</summary>
    [EmbeddedServerFact]
    public async Task APollerWhoseDeploymentNameHasADotIsRefused()
    {
        var ex = await RefusedAsync(() => Service.PollWorkflowTaskQueueAsync(new()
        {
            Namespace = Fx.Namespace,
            TaskQueue = new() { Name = Id("vq") },
            Identity = "dotted-worker",
            DeploymentOptions = new()
            {
                DeploymentName = "my.service", BuildId = "b1",
                WorkerVersioningMode = WorkerVersioningMode.Versioned,
            },
        }), RpcException.StatusCode.InvalidArgument);
        Assert.Contains("my.service", ex.Message);
        await RefusedAsync(() => DescribeDeploymentAsync("my.service"), RpcException.StatusCode.NotFound);
    }
}
