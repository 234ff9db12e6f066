using Kubiya.Tests.Infrastructure;
using Temporalio.Exceptions;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;

namespace Kubiya.Tests.Conformance.Versioning;

/// <summary>
/// Routing between two versions' workers on one task queue: the current version takes new and
/// auto-upgrade work, pinned runs stay on their version, a ramp sends its share of workflow ids.
/// </summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class VersionRoutingTests(ServerFixture fx) : VersioningTest(fx)
{
    [Fact]
    public async Task NewWorkflowsWaitUntilAVersionIsCurrentThenRunThereAndRecordTheVersion()
    {
        var queue = Id("vq");
        var dep = Deployment("cur");
        await using var w = await StartRegisteredWorkerAsync(queue, dep, "v1");
        var h = await Client.StartWorkflowAsync((PinnedSteps wf) => wf.RunAsync(0), new(Id("wait"), queue));
        // Versioned workers take no new workflows while the unversioned workers are current.
        await Task.Delay(1500);
        Assert.DoesNotContain(await HistoryAsync(h), e => e.EventType == EventType.WorkflowTaskStarted);

        await SetCurrentAsync(dep, "v1");
        Assert.Equal("v1", await h.GetResultAsync<string>().WaitAsync(ResultTimeout));
        var completed = Last(await HistoryAsync(h), EventType.WorkflowTaskCompleted).WorkflowTaskCompletedEventAttributes;
        Assert.Equal("v1", completed.DeploymentVersion.BuildId);
        Assert.Equal(dep, completed.DeploymentVersion.DeploymentName);
        Assert.Equal(VersioningBehavior.Pinned, completed.VersioningBehavior);
        var info = (await DescribeRawAsync(h.Id)).WorkflowExecutionInfo.VersioningInfo;
        Assert.Equal(VersioningBehavior.Pinned, info.Behavior);
        Assert.Equal("v1", info.DeploymentVersion.BuildId);
    }

    [Fact]
    public async Task SetCurrentUpdatesRoutingStatusAndConflictTokenAndRefusesAStaleToken()
    {
        var queue = Id("vq");
        var dep = Deployment("token");
        await using var w1 = await StartRegisteredWorkerAsync(queue, dep, "v1");
        await using var w2 = await StartRegisteredWorkerAsync(queue, dep, "v2");
        var before = await DescribeDeploymentAsync(dep);
        var set = await SetCurrentAsync(dep, "v1");
        Assert.NotEqual(before.ConflictToken, set.ConflictToken);

        var after = await DescribeDeploymentAsync(dep);
        Assert.Equal(set.ConflictToken, after.ConflictToken);
        Assert.Equal("v1", after.WorkerDeploymentInfo.RoutingConfig.CurrentDeploymentVersion.BuildId);
        Assert.Equal("versioning-test", after.WorkerDeploymentInfo.LastModifierIdentity);
        var v1 = (await DescribeVersionAsync(dep, "v1")).WorkerDeploymentVersionInfo;
        Assert.Equal(WorkerDeploymentVersionStatus.Current, v1.Status);
        Assert.NotNull(v1.CurrentSinceTime);

        // A token read before that change no longer holds.
        await RefusedAsync(() => Service.SetWorkerDeploymentCurrentVersionAsync(new()
        {
            Namespace = Fx.Namespace, DeploymentName = dep, BuildId = "v2", ConflictToken = before.ConflictToken,
        }), RpcException.StatusCode.FailedPrecondition);
        await Service.SetWorkerDeploymentCurrentVersionAsync(new()
        {
            Namespace = Fx.Namespace, DeploymentName = dep, BuildId = "v2", ConflictToken = after.ConflictToken,
        });
        var v1Again = (await DescribeVersionAsync(dep, "v1")).WorkerDeploymentVersionInfo;
        Assert.NotEqual(WorkerDeploymentVersionStatus.Current, v1Again.Status);
        Assert.Null(v1Again.CurrentSinceTime);
        Assert.Equal(WorkerDeploymentVersionStatus.Current, (await DescribeVersionAsync(dep, "v2")).WorkerDeploymentVersionInfo.Status);
    }

    [Fact]
    public async Task AVersionThatDoesNotPollEveryTaskQueueOfTheCurrentOneCannotTakeOver()
    {
        var queue = Id("vq");
        var other = Id("vq-extra");
        var dep = Deployment("missing");
        await using var w1 = await StartRegisteredWorkerAsync(queue, dep, "v1");
        await using var w1b = await StartRegisteredWorkerAsync(other, dep, "v1");
        await using var w2 = await StartRegisteredWorkerAsync(queue, dep, "v2");
        await SetCurrentAsync(dep, "v1");
        var refused = await RefusedAsync(() => SetCurrentAsync(dep, "v2"), RpcException.StatusCode.FailedPrecondition);
        Assert.Contains(other, refused.Message);
        await Service.SetWorkerDeploymentCurrentVersionAsync(new()
        {
            Namespace = Fx.Namespace, DeploymentName = dep, BuildId = "v2", IgnoreMissingTaskQueues = true,
        });
        Assert.Equal("v2", (await DescribeDeploymentAsync(dep)).WorkerDeploymentInfo.RoutingConfig.CurrentDeploymentVersion.BuildId);
    }

    [Fact]
    public async Task PinnedRunsStayOnTheirVersionWhileAutoUpgradeRunsMoveToTheNewCurrentAtTheirNextTask()
    {
        var queue = Id("vq");
        var dep = Deployment("upgrade");
        await using var w1 = await StartRegisteredWorkerAsync(queue, dep, "v1");
        await SetCurrentAsync(dep, "v1");
        var pinned = await Client.StartWorkflowAsync((PinnedSteps wf) => wf.RunAsync(1), new(Id("pinned"), queue));
        var auto = await Client.StartWorkflowAsync((AutoUpgradeSteps wf) => wf.RunAsync(1), new(Id("auto"), queue));
        await WaitForTasksAsync(pinned, 1);
        await WaitForTasksAsync(auto, 1);

        await using var w2 = await StartRegisteredWorkerAsync(queue, dep, "v2");
        await SetCurrentAsync(dep, "v2");
        await pinned.SignalAsync(wf => wf.NextAsync());
        await auto.SignalAsync(wf => wf.NextAsync());

        Assert.Equal("v1,v1", await pinned.GetResultAsync<string>().WaitAsync(ResultTimeout));
        // The activity follows its auto-upgrade workflow to the current version.
        Assert.Equal("v1,v2|activity:v2", await auto.GetResultAsync<string>().WaitAsync(ResultTimeout));
        Assert.All(await CompletedByAsync(pinned), b => Assert.Equal("v1", b));
        Assert.Equal("v2", (await CompletedByAsync(auto)).Last());
        var autoInfo = (await DescribeRawAsync(auto.Id)).WorkflowExecutionInfo.VersioningInfo;
        Assert.Equal(VersioningBehavior.AutoUpgrade, autoInfo.Behavior);
        Assert.Equal("v2", autoInfo.DeploymentVersion.BuildId);
    }

    [Fact]
    public async Task APinnedRunsActivitiesRunOnItsOwnVersion()
    {
        var queue = Id("vq");
        var dep = Deployment("pinned-act");
        await using var w1 = await StartRegisteredWorkerAsync(queue, dep, "v1");
        await SetCurrentAsync(dep, "v1");
        // Auto-upgrade type, pinned by override: its activity must stay on v1 after v2 becomes current.
        var h = await Client.StartWorkflowAsync((AutoUpgradeSteps wf) => wf.RunAsync(1), new(Id("act"), queue)
        {
            VersioningOverride = new Temporalio.Common.VersioningOverride.Pinned(V(dep, "v1")),
        });
        await WaitForTasksAsync(h, 1);
        await using var w2 = await StartRegisteredWorkerAsync(queue, dep, "v2");
        await SetCurrentAsync(dep, "v2");
        await h.SignalAsync(wf => wf.NextAsync());
        Assert.Equal("v1,v1|activity:v1", await h.GetResultAsync<string>().WaitAsync(ResultTimeout));
    }

    [Fact]
    public async Task ARampOfOneHundredPercentSendsNewWorkflowsToTheRampingVersion()
    {
        var queue = Id("vq");
        var dep = Deployment("ramp100");
        await using var w1 = await StartRegisteredWorkerAsync(queue, dep, "v1");
        await using var w2 = await StartRegisteredWorkerAsync(queue, dep, "v2");
        await SetCurrentAsync(dep, "v1");
        await SetRampingAsync(dep, "v2", 100);
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
        {
            var h = await Client.StartWorkflowAsync((PinnedSteps wf) => wf.RunAsync(0), new(Id($"r100-{i}"), queue));
            return await h.GetResultAsync<string>().WaitAsync(ResultTimeout);
        }));
        Assert.All(results, r => Assert.Equal("v2", r));

        var v2 = (await DescribeVersionAsync(dep, "v2")).WorkerDeploymentVersionInfo;
        Assert.Equal(WorkerDeploymentVersionStatus.Ramping, v2.Status);
        Assert.Equal(100f, v2.RampPercentage);
        Assert.NotNull(v2.RampingSinceTime);
        var routing = (await DescribeDeploymentAsync(dep)).WorkerDeploymentInfo.RoutingConfig;
        Assert.Equal("v2", routing.RampingDeploymentVersion.BuildId);
        Assert.Equal(100f, routing.RampingVersionPercentage);
    }

    [Fact]
    public async Task ARampOfZeroPercentKeepsNewWorkflowsOnTheCurrentVersionUntilItIsRaised()
    {
        var queue = Id("vq");
        var dep = Deployment("ramp0");
        await using var w1 = await StartRegisteredWorkerAsync(queue, dep, "v1");
        await using var w2 = await StartRegisteredWorkerAsync(queue, dep, "v2");
        await SetCurrentAsync(dep, "v1");
        await SetRampingAsync(dep, "v2", 0);
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
        {
            var h = await Client.StartWorkflowAsync((PinnedSteps wf) => wf.RunAsync(0), new(Id($"r0-{i}"), queue));
            return await h.GetResultAsync<string>().WaitAsync(ResultTimeout);
        }));
        Assert.All(results, r => Assert.Equal("v1", r));
        Assert.Equal(WorkerDeploymentVersionStatus.Ramping, (await DescribeVersionAsync(dep, "v2")).WorkerDeploymentVersionInfo.Status);

        // Raising the ramp reaches an auto-upgrade run already waiting on v1 at its next task.
        var auto = await Client.StartWorkflowAsync((AutoUpgradeSteps wf) => wf.RunAsync(1), new(Id("r0-auto"), queue));
        await WaitForTasksAsync(auto, 1);
        await SetRampingAsync(dep, "v2", 100);
        await auto.SignalAsync(wf => wf.NextAsync());
        Assert.Equal("v1,v2|activity:v2", await auto.GetResultAsync<string>().WaitAsync(ResultTimeout));
    }

    [Fact]
    public async Task BadRampsAreRefused()
    {
        var queue = Id("vq");
        var dep = Deployment("badramp");
        await using var w1 = await StartRegisteredWorkerAsync(queue, dep, "v1");
        await SetCurrentAsync(dep, "v1");
        await RefusedAsync(() => SetRampingAsync(dep, "v1", 10), RpcException.StatusCode.FailedPrecondition);
        await RefusedAsync(() => SetRampingAsync(dep, "v1", 101), RpcException.StatusCode.InvalidArgument);
        await RefusedAsync(() => SetRampingAsync(dep, "v9", 10), RpcException.StatusCode.NotFound);
    }

    [Fact]
    public async Task MakingTheRampingVersionCurrentEndsTheRamp()
    {
        var queue = Id("vq");
        var dep = Deployment("promote");
        await using var w1 = await StartRegisteredWorkerAsync(queue, dep, "v1");
        await using var w2 = await StartRegisteredWorkerAsync(queue, dep, "v2");
        await SetCurrentAsync(dep, "v1");
        await SetRampingAsync(dep, "v2", 30);
        await SetCurrentAsync(dep, "v2");
        var routing = (await DescribeDeploymentAsync(dep)).WorkerDeploymentInfo.RoutingConfig;
        Assert.Equal("v2", routing.CurrentDeploymentVersion.BuildId);
        Assert.Null(routing.RampingDeploymentVersion);
        Assert.Equal(0f, routing.RampingVersionPercentage);
        var v1 = (await DescribeVersionAsync(dep, "v1")).WorkerDeploymentVersionInfo;
        // v1 was current and is no more; with no pinned run left on it, it is drained (Temporal
        // refreshes drainage periodically, so a real cluster may still say draining for a while).
        if (Fx.IsEmbedded)
        {
            Assert.Equal(WorkerDeploymentVersionStatus.Drained, v1.Status);
            Assert.Equal(VersionDrainageStatus.Drained, v1.DrainageInfo.Status);
        }
        else Assert.Contains(v1.Status, new[] { WorkerDeploymentVersionStatus.Draining, WorkerDeploymentVersionStatus.Drained });
        Assert.NotNull(v1.LastDeactivationTime);
    }

    [Fact]
    public async Task AnAutoUpgradeRunWhosePendingTaskTargetsANewVersionShowsTheTransitionUntilThatVersionCompletesIt()
    {
        var queue = Id("vq");
        var dep = Deployment("transition");
        await using var w1 = await StartRegisteredWorkerAsync(queue, dep, "v1");
        await SetCurrentAsync(dep, "v1");
        var auto = await Client.StartWorkflowAsync((AutoUpgradeSteps wf) => wf.RunAsync(1), new(Id("moving"), queue));
        await WaitForTasksAsync(auto, 1);
        // v2 has no worker yet: its next task waits for one, and the run is transitioning meanwhile.
        await Service.SetWorkerDeploymentCurrentVersionAsync(new()
        {
            Namespace = Fx.Namespace, DeploymentName = dep, BuildId = "v2", AllowNoPollers = true, IgnoreMissingTaskQueues = true,
        });
        await auto.SignalAsync(wf => wf.NextAsync());
        var moving = await EventuallyAsync(async () => (await DescribeRawAsync(auto.Id)).WorkflowExecutionInfo.VersioningInfo,
            i => i.VersionTransition != null, "a version transition on the run");
        Assert.Equal("v2", moving.VersionTransition.DeploymentVersion.BuildId);
        Assert.Equal("v1", moving.DeploymentVersion.BuildId);

        await using var w2 = StartWorker(queue, dep, "v2");
        Assert.Equal("v1,v2|activity:v2", await auto.GetResultAsync<string>().WaitAsync(ResultTimeout));
        var done = (await DescribeRawAsync(auto.Id)).WorkflowExecutionInfo.VersioningInfo;
        Assert.Null(done.VersionTransition);
        Assert.Equal("v2", done.DeploymentVersion.BuildId);
    }

    [Fact]
    public async Task RampingToTheUnversionedWorkersWhileTheyAreCurrentIsRefused()
    {
        var queue = Id("vq");
        var dep = Deployment("unv");
        await using var w1 = await StartRegisteredWorkerAsync(queue, dep, "v1");
        await RefusedAsync(() => SetRampingAsync(dep, "", 50), RpcException.StatusCode.FailedPrecondition);
        // Ending a ramp that does not exist changes nothing and is not an error.
        await SetRampingAsync(dep, "", 0);
        Assert.Null((await DescribeDeploymentAsync(dep)).WorkerDeploymentInfo.RoutingConfig.RampingDeploymentVersion);
    }
}
