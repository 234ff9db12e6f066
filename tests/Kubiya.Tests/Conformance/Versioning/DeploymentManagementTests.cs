using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Exceptions;

namespace Kubiya.Tests.Conformance.Versioning;

/// <summary>
/// Deployments and versions created ahead of their workers, and a deployment manager: while one
/// is set, routing changes and deletions from any other identity are refused.
/// </summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class DeploymentManagementTests(ServerFixture fx) : VersioningTest(fx)
{
    [Fact]
    public async Task DeploymentAndVersionCanBeCreatedBeforeAnyWorkerPolls()
    {
        var dep = Deployment("created");
        var request = Guid.NewGuid().ToString();
        var created = await Service.CreateWorkerDeploymentAsync(new() { Namespace = Fx.Namespace, DeploymentName = dep, Identity = "setup", RequestId = request });
        Assert.False(created.ConflictToken.IsEmpty);
        var described = (await DescribeDeploymentAsync(dep)).WorkerDeploymentInfo;
        Assert.Equal(dep, described.Name);
        Assert.Empty(described.VersionSummaries);

        await Service.CreateWorkerDeploymentVersionAsync(new()
        {
            Namespace = Fx.Namespace, DeploymentVersion = new() { DeploymentName = dep, BuildId = "b1" }, Identity = "setup", RequestId = Guid.NewGuid().ToString(),
        });
        var version = (await DescribeVersionAsync(dep, "b1")).WorkerDeploymentVersionInfo;
        Assert.Equal(WorkerDeploymentVersionStatus.Inactive, version.Status);
        Assert.Empty(version.TaskQueueInfos);

        // A version that exists can be made current without allow_no_pollers.
        await SetCurrentAsync(dep, "b1");
        Assert.Equal("b1", (await DescribeDeploymentAsync(dep)).WorkerDeploymentInfo.RoutingConfig.CurrentDeploymentVersion.BuildId);

        // A retried create (same request id) succeeds; another create of the same name does not.
        await Service.CreateWorkerDeploymentAsync(new() { Namespace = Fx.Namespace, DeploymentName = dep, Identity = "setup", RequestId = request });
        await RefusedAsync(() => Service.CreateWorkerDeploymentAsync(new() { Namespace = Fx.Namespace, DeploymentName = dep, Identity = "setup", RequestId = Guid.NewGuid().ToString() }),
            RpcException.StatusCode.AlreadyExists);
        await RefusedAsync(() => Service.CreateWorkerDeploymentAsync(new() { Namespace = Fx.Namespace, DeploymentName = "bad.name", Identity = "setup" }),
            RpcException.StatusCode.InvalidArgument);
    }

    [Fact]
    public async Task OnlyTheManagerChangesRoutingUntilTheManagerIsCleared()
    {
        var dep = Deployment("managed");
        await Service.CreateWorkerDeploymentAsync(new() { Namespace = Fx.Namespace, DeploymentName = dep, Identity = "setup" });
        foreach (var build in new[] { "b1", "b2" })
            await Service.CreateWorkerDeploymentVersionAsync(new() { Namespace = Fx.Namespace, DeploymentVersion = new() { DeploymentName = dep, BuildId = build }, Identity = "setup" });

        var took = await Service.SetWorkerDeploymentManagerAsync(new() { Namespace = Fx.Namespace, DeploymentName = dep, Self = true, Identity = "controller" });
        Assert.Equal("", took.PreviousManagerIdentity);
        Assert.Equal("controller", (await DescribeDeploymentAsync(dep)).WorkerDeploymentInfo.ManagerIdentity);

        await RefusedAsync(() => Service.SetWorkerDeploymentCurrentVersionAsync(new() { Namespace = Fx.Namespace, DeploymentName = dep, BuildId = "b1", Identity = "human" }),
            RpcException.StatusCode.FailedPrecondition);
        await RefusedAsync(() => Service.SetWorkerDeploymentRampingVersionAsync(new() { Namespace = Fx.Namespace, DeploymentName = dep, BuildId = "b2", Percentage = 10, Identity = "human" }),
            RpcException.StatusCode.FailedPrecondition);
        Assert.Null((await DescribeDeploymentAsync(dep)).WorkerDeploymentInfo.RoutingConfig.CurrentDeploymentVersion);

        await Service.SetWorkerDeploymentCurrentVersionAsync(new() { Namespace = Fx.Namespace, DeploymentName = dep, BuildId = "b1", Identity = "controller" });

        // Anyone may clear the manager, with the deployment's current conflict token.
        var token = (await DescribeDeploymentAsync(dep)).ConflictToken;
        var cleared = await Service.SetWorkerDeploymentManagerAsync(new() { Namespace = Fx.Namespace, DeploymentName = dep, ManagerIdentity = "", Identity = "human", ConflictToken = token });
        Assert.Equal("controller", cleared.PreviousManagerIdentity);
        await Service.SetWorkerDeploymentCurrentVersionAsync(new() { Namespace = Fx.Namespace, DeploymentName = dep, BuildId = "b2", Identity = "human" });
        var info = (await DescribeDeploymentAsync(dep)).WorkerDeploymentInfo;
        Assert.Equal("b2", info.RoutingConfig.CurrentDeploymentVersion.BuildId);
        Assert.Equal("", info.ManagerIdentity);

        // A stale conflict token is refused.
        await RefusedAsync(() => Service.SetWorkerDeploymentManagerAsync(new() { Namespace = Fx.Namespace, DeploymentName = dep, Self = true, Identity = "late", ConflictToken = token }),
            RpcException.StatusCode.FailedPrecondition);
    }
}
