using Kubiya.Tests.Infrastructure;
using Temporalio.Exceptions;
using Temporalio.Api.Enums.V1;

namespace Kubiya.Tests.Conformance.Versioning;

/// <summary>Deleting versions and deployments: refused while current, ramping, polled or draining, as Temporal does.</summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class DeploymentDeleteTests(ServerFixture fx) : VersioningTest(fx)
{
    private Task DeleteVersionAsync(string dep, string build, bool skipDrainage = false) =>
        Service.DeleteWorkerDeploymentVersionAsync(new()
        {
            Namespace = Fx.Namespace,
            DeploymentVersion = new() { DeploymentName = dep, BuildId = build },
            SkipDrainage = skipDrainage,
        });

    private Task DeleteDeploymentAsync(string dep) =>
        Service.DeleteWorkerDeploymentAsync(new() { Namespace = Fx.Namespace, DeploymentName = dep });

    [Fact]
    public async Task CurrentRampingAndPolledVersionsCannotBeDeleted()
    {
        var queue = Id("vq");
        var dep = Deployment("del-busy");
        var w1 = await StartRegisteredWorkerAsync(queue, dep, "v1");
        var w2 = await StartRegisteredWorkerAsync(queue, dep, "v2");
        await using var w3 = await StartRegisteredWorkerAsync(queue, dep, "v3");
        await SetCurrentAsync(dep, "v1");
        await SetRampingAsync(dep, "v2", 10);
        Assert.Contains("current", (await RefusedAsync(() => DeleteVersionAsync(dep, "v1"), RpcException.StatusCode.FailedPrecondition)).Message);
        Assert.Contains("ramping", (await RefusedAsync(() => DeleteVersionAsync(dep, "v2"), RpcException.StatusCode.FailedPrecondition)).Message);
        Assert.Contains("poller", (await RefusedAsync(() => DeleteVersionAsync(dep, "v3"), RpcException.StatusCode.FailedPrecondition)).Message);
        await w1.DisposeAsync();
        await w2.DisposeAsync();
        // Its workers gone, a version is still refused while it is current.
        await RefusedAsync(() => DeleteVersionAsync(dep, "v1"), RpcException.StatusCode.FailedPrecondition);
        Assert.Equal(3, (await DescribeDeploymentAsync(dep)).WorkerDeploymentInfo.VersionSummaries.Count);
    }

    [Fact]
    public async Task AnIdleVersionIsDeletedOnceItsWorkersStopAndThenTheEmptyDeployment()
    {
        var queue = Id("vq");
        var dep = Deployment("del-idle");
        var w1 = await StartRegisteredWorkerAsync(queue, dep, "v1");
        await RefusedAsync(() => DeleteDeploymentAsync(dep), RpcException.StatusCode.FailedPrecondition);
        await w1.DisposeAsync();
        // A stopped worker tells the server it leaves; the version then has no pollers.
        await EventuallyAsync(async () =>
        {
            try { await DeleteVersionAsync(dep, "v1"); return true; }
            catch (RpcException e) when (e.Code == RpcException.StatusCode.FailedPrecondition) { return false; }
        }, ok => ok, "the version to become deletable after its worker stopped");
        await RefusedAsync(() => DescribeVersionAsync(dep, "v1"), RpcException.StatusCode.NotFound);
        Assert.Empty((await DescribeDeploymentAsync(dep)).WorkerDeploymentInfo.VersionSummaries);
        await DeleteDeploymentAsync(dep);
        await RefusedAsync(() => DescribeDeploymentAsync(dep), RpcException.StatusCode.NotFound);
    }

    [Fact]
    public async Task AVersionWithOpenPinnedRunsIsDrainingAndNeedsSkipDrainageToBeDeleted()
    {
        var queue = Id("vq");
        var dep = Deployment("del-drain");
        var w1 = await StartRegisteredWorkerAsync(queue, dep, "v1");
        await using var w2 = await StartRegisteredWorkerAsync(queue, dep, "v2");
        await SetCurrentAsync(dep, "v1");
        var pinned = await Client.StartWorkflowAsync((PinnedSteps wf) => wf.RunAsync(1), new(Id("drain"), queue));
        await WaitForTasksAsync(pinned, 1);
        await SetCurrentAsync(dep, "v2");
        await w1.DisposeAsync();

        var v1 = await EventuallyAsync(async () => (await DescribeVersionAsync(dep, "v1")).WorkerDeploymentVersionInfo,
            v => v.Status == WorkerDeploymentVersionStatus.Draining, "v1 to be draining");
        Assert.Equal(VersionDrainageStatus.Draining, v1.DrainageInfo.Status);
        await EventuallyAsync(async () =>
        {
            try { await DeleteVersionAsync(dep, "v1"); return "deleted"; }
            catch (RpcException e) when (e.Code == RpcException.StatusCode.FailedPrecondition) { return e.Message; }
        }, m => m.Contains("draining"), "deletion to be refused for draining (not for pollers)");
        await DeleteVersionAsync(dep, "v1", skipDrainage: true);
        await RefusedAsync(() => DescribeVersionAsync(dep, "v1"), RpcException.StatusCode.NotFound);
        await pinned.TerminateAsync("test over");
    }
}
