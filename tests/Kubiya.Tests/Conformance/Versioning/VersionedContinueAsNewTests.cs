using Kubiya.Tests.Infrastructure;
using Temporalio.Exceptions;
using Temporalio.Api.Enums.V1;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance.Versioning;

/// <summary>
/// Continue-as-new of a pinned run: it stays on its version by default, and moves to the target
/// (current) or ramping version when the command asks for it (upgrade on continue-as-new).
/// A pinned parent's child starts on the parent's version too.
/// </summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class VersionedContinueAsNewTests(ServerFixture fx) : VersioningTest(fx)
{
    private async Task<(string Result, Temporalio.Client.WorkflowHandle First)> ContinueAfterUpgradeAsync(InitialVersioningBehavior initial, bool rampInsteadOfCurrent)
    {
        var queue = Id("vq");
        var dep = Deployment("can");
        await using var w1 = await StartRegisteredWorkerAsync(queue, dep, "v1");
        await SetCurrentAsync(dep, "v1");
        var h = await Client.StartWorkflowAsync((PinnedContinueAsNew wf) => wf.RunAsync(new ContinuePlan(false, initial)), new(Id("can"), queue));
        await WaitForTasksAsync(h, 1);
        await using var w2 = await StartRegisteredWorkerAsync(queue, dep, "v2");
        if (rampInsteadOfCurrent) await SetRampingAsync(dep, "v2", 0);
        else await SetCurrentAsync(dep, "v2");
        await h.SignalAsync(wf => wf.GoAsync());
        var result = await Client.GetWorkflowHandle(h.Id).GetResultAsync<string>().WaitAsync(ResultTimeout);
        return (result, Client.GetWorkflowHandle(h.Id, runId: h.ResultRunId));
    }

    [Fact]
    public async Task APinnedRunContinuesAsNewOnItsOwnVersionByDefault()
    {
        var (result, first) = await ContinueAfterUpgradeAsync(InitialVersioningBehavior.Unspecified, rampInsteadOfCurrent: false);
        Assert.Equal("v1|target changed: True", result);
        var continued = Last(await HistoryAsync(first), EventType.WorkflowExecutionContinuedAsNew).WorkflowExecutionContinuedAsNewEventAttributes;
        var next = (await HistoryAsync(Client.GetWorkflowHandle(first.Id, runId: continued.NewExecutionRunId)))[0].WorkflowExecutionStartedEventAttributes;
        Assert.Equal("v1", next.InheritedPinnedVersion.BuildId);
    }

    [Fact]
    public async Task AutoUpgradeOnContinueAsNewStartsTheNewRunOnTheCurrentVersion()
    {
        var (result, first) = await ContinueAfterUpgradeAsync(InitialVersioningBehavior.AutoUpgrade, rampInsteadOfCurrent: false);
        Assert.Equal("v2|target changed: True", result);
        var continued = Last(await HistoryAsync(first), EventType.WorkflowExecutionContinuedAsNew).WorkflowExecutionContinuedAsNewEventAttributes;
        Assert.Equal(ContinueAsNewVersioningBehavior.AutoUpgrade, continued.InitialVersioningBehavior);
        var run2 = Client.GetWorkflowHandle(first.Id, runId: continued.NewExecutionRunId);
        Assert.Equal(VersioningBehavior.Pinned, (await DescribeRawAsync(first.Id, continued.NewExecutionRunId)).WorkflowExecutionInfo.VersioningInfo.Behavior);
        Assert.Equal(new[] { "v2" }, await CompletedByAsync(run2));
    }

    [Fact]
    public async Task UseRampingVersionOnContinueAsNewStartsTheNewRunOnTheRampingVersionWhateverItsShare()
    {
        var (result, _) = await ContinueAfterUpgradeAsync(InitialVersioningBehavior.UseRampingVersion, rampInsteadOfCurrent: true);
        // A ramp of 0 % is not this run's target (the target stays v1), so it saw no change, but asked for the ramping version.
        Assert.Equal("v2|target changed: False", result);
    }

    [Fact]
    public async Task APinnedParentsChildStartsOnTheParentsVersionNotTheNewCurrentOne()
    {
        var queue = Id("vq");
        var dep = Deployment("child");
        await using var w1 = await StartRegisteredWorkerAsync(queue, dep, "v1");
        await SetCurrentAsync(dep, "v1");
        var childId = Id("child");
        var h = await Client.StartWorkflowAsync((PinnedParent wf) => wf.RunAsync(childId), new(Id("parent"), queue));
        await WaitForTasksAsync(h, 1);
        await using var w2 = await StartRegisteredWorkerAsync(queue, dep, "v2");
        await SetCurrentAsync(dep, "v2");
        await h.SignalAsync(wf => wf.GoAsync());
        Assert.Equal("v1", await h.GetResultAsync<string>().WaitAsync(ResultTimeout));
        var childStarted = (await HistoryAsync(Client.GetWorkflowHandle(childId)))[0].WorkflowExecutionStartedEventAttributes;
        Assert.Equal("v1", childStarted.InheritedPinnedVersion.BuildId);
    }
}
