using Google.Protobuf.WellKnownTypes;
using Kubiya.Tests.Infrastructure;
using Temporalio.Exceptions;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Override = Temporalio.Common.VersioningOverride;

namespace Kubiya.Tests.Conformance.Versioning;

/// <summary>Versioning overrides: set on start, or later through UpdateWorkflowExecutionOptions with its field mask.</summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class VersioningOverrideTests(ServerFixture fx) : VersioningTest(fx)
{
    [Fact]
    public async Task APinnedOverrideOnStartRunsTheWorkflowOnAVersionThatIsNotCurrent()
    {
        var queue = Id("vq");
        var dep = Deployment("ovr-start");
        await using var w1 = await StartRegisteredWorkerAsync(queue, dep, "v1");
        await using var w2 = await StartRegisteredWorkerAsync(queue, dep, "v2");
        await SetCurrentAsync(dep, "v1");
        var h = await Client.StartWorkflowAsync((PinnedSteps wf) => wf.RunAsync(1), new(Id("to-v2"), queue)
        {
            VersioningOverride = new Override.Pinned(V(dep, "v2")),
        });
        await WaitForTasksAsync(h, 1);
        var started = (await HistoryAsync(h))[0].WorkflowExecutionStartedEventAttributes;
        Assert.Equal("v2", started.VersioningOverride.Pinned.Version.BuildId);
        var info = (await DescribeRawAsync(h.Id)).WorkflowExecutionInfo.VersioningInfo;
        Assert.Equal("v2", info.VersioningOverride.Pinned.Version.BuildId);
        await h.SignalAsync(wf => wf.NextAsync());
        Assert.Equal("v2,v2", await h.GetResultAsync<string>().WaitAsync(ResultTimeout));
    }

    [Fact]
    public async Task AnAutoUpgradeOverrideMovesAPinnedTypeToTheNewCurrentVersion()
    {
        var queue = Id("vq");
        var dep = Deployment("ovr-auto");
        await using var w1 = await StartRegisteredWorkerAsync(queue, dep, "v1");
        await SetCurrentAsync(dep, "v1");
        var h = await Client.StartWorkflowAsync((PinnedSteps wf) => wf.RunAsync(1), new(Id("auto"), queue)
        {
            VersioningOverride = new Override.AutoUpgrade(),
        });
        await WaitForTasksAsync(h, 1);
        await using var w2 = await StartRegisteredWorkerAsync(queue, dep, "v2");
        await SetCurrentAsync(dep, "v2");
        await h.SignalAsync(wf => wf.NextAsync());
        Assert.Equal("v1,v2", await h.GetResultAsync<string>().WaitAsync(ResultTimeout));
        var info = (await DescribeRawAsync(h.Id)).WorkflowExecutionInfo.VersioningInfo;
        // The worker still reports the type as pinned; the override wins.
        Assert.Equal(VersioningBehavior.Pinned, info.Behavior);
        Assert.True(info.VersioningOverride.AutoUpgrade);
    }

    [Fact]
    public async Task UpdateWorkflowExecutionOptionsPinsARunningWorkflowAndCanUnsetTheOverride()
    {
        var queue = Id("vq");
        var dep = Deployment("ovr-update");
        await using var w1 = await StartRegisteredWorkerAsync(queue, dep, "v1");
        await using var w2 = await StartRegisteredWorkerAsync(queue, dep, "v2");
        await SetCurrentAsync(dep, "v1");
        var h = await Client.StartWorkflowAsync((AutoUpgradeSteps wf) => wf.RunAsync(2), new(Id("moved"), queue));
        await WaitForTasksAsync(h, 1);

        var pin = new Temporalio.Api.Workflow.V1.VersioningOverride
        {
            Pinned = new()
            {
                Behavior = Temporalio.Api.Workflow.V1.VersioningOverride.Types.PinnedOverrideBehavior.Pinned,
                Version = new() { DeploymentName = dep, BuildId = "v2" },
            },
        };
        var updated = await Service.UpdateWorkflowExecutionOptionsAsync(new()
        {
            Namespace = Fx.Namespace,
            WorkflowExecution = new() { WorkflowId = h.Id },
            WorkflowExecutionOptions = new() { VersioningOverride = pin },
            UpdateMask = new FieldMask { Paths = { "versioning_override" } },
            Identity = "operator",
        });
        Assert.Equal("v2", updated.WorkflowExecutionOptions.VersioningOverride.Pinned.Version.BuildId);
        await h.SignalAsync(wf => wf.NextAsync());
        await WaitForTasksAsync(h, 2);
        Assert.Equal("v2", (await CompletedByAsync(h)).Last());

        var events = await HistoryAsync(h);
        var set = Last(events, EventType.WorkflowExecutionOptionsUpdated).WorkflowExecutionOptionsUpdatedEventAttributes;
        Assert.Equal("v2", set.VersioningOverride.Pinned.Version.BuildId);
        Assert.Equal("operator", set.Identity);

        // The mask names the field; leaving the override out of the options clears it.
        var cleared = await Service.UpdateWorkflowExecutionOptionsAsync(new()
        {
            Namespace = Fx.Namespace,
            WorkflowExecution = new() { WorkflowId = h.Id },
            WorkflowExecutionOptions = new(),
            UpdateMask = new FieldMask { Paths = { "versioning_override" } },
        });
        Assert.Null(cleared.WorkflowExecutionOptions.VersioningOverride);
        Assert.True(Last(await HistoryAsync(h), EventType.WorkflowExecutionOptionsUpdated).WorkflowExecutionOptionsUpdatedEventAttributes.UnsetVersioningOverride);
        Assert.Null((await DescribeRawAsync(h.Id)).WorkflowExecutionInfo.VersioningInfo.VersioningOverride);
        // Back to auto-upgrade on the current version, v1.
        await h.SignalAsync(wf => wf.NextAsync());
        Assert.Equal("v1,v2,v1|activity:v1", await h.GetResultAsync<string>().WaitAsync(ResultTimeout));
    }

    [Fact]
    public async Task UpdateWorkflowExecutionOptionsRefusesAMissingMaskAndAnIncompletePin()
    {
        var queue = Id("vq");
        var dep = Deployment("ovr-bad");
        await using var w1 = await StartRegisteredWorkerAsync(queue, dep, "v1");
        await SetCurrentAsync(dep, "v1");
        var h = await Client.StartWorkflowAsync((PinnedSteps wf) => wf.RunAsync(1), new(Id("bad"), queue));
        await RefusedAsync(() => Service.UpdateWorkflowExecutionOptionsAsync(new()
        {
            Namespace = Fx.Namespace,
            WorkflowExecution = new() { WorkflowId = h.Id },
            WorkflowExecutionOptions = new() { VersioningOverride = new() { AutoUpgrade = true } },
        }), RpcException.StatusCode.InvalidArgument);
        await RefusedAsync(() => Service.UpdateWorkflowExecutionOptionsAsync(new()
        {
            Namespace = Fx.Namespace,
            WorkflowExecution = new() { WorkflowId = h.Id },
            WorkflowExecutionOptions = new()
            {
                VersioningOverride = new() { Pinned = new() { Behavior = Temporalio.Api.Workflow.V1.VersioningOverride.Types.PinnedOverrideBehavior.Pinned } },
            },
            UpdateMask = new FieldMask { Paths = { "versioning_override" } },
        }), RpcException.StatusCode.InvalidArgument);
        Assert.DoesNotContain(await HistoryAsync(h), e => e.EventType == EventType.WorkflowExecutionOptionsUpdated);
        await h.TerminateAsync("done");
    }

    [Fact]
    public async Task ARetryOfARunKeepsItsPinnedOverride()
    {
        var queue = Id("vq");
        var dep = Deployment("ovr-retry");
        await using var w1 = await StartRegisteredWorkerAsync(queue, dep, "v1");
        await using var w2 = await StartRegisteredWorkerAsync(queue, dep, "v2");
        await SetCurrentAsync(dep, "v1");
        var h = await Client.StartWorkflowAsync((FailsFirstAttempt wf) => wf.RunAsync(), new(Id("retry"), queue)
        {
            VersioningOverride = new Override.Pinned(V(dep, "v2")),
            RetryPolicy = new() { InitialInterval = TimeSpan.FromMilliseconds(100), MaximumAttempts = 2 },
        });
        Assert.Equal("v2", await h.GetResultAsync<string>().WaitAsync(ResultTimeout));
        var last = (await HistoryAsync(Client.GetWorkflowHandle(h.Id)))[0].WorkflowExecutionStartedEventAttributes;
        Assert.Equal(2, last.Attempt);
        Assert.Equal("v2", last.VersioningOverride.Pinned.Version.BuildId);
    }
}
