using Kubiya.Tests.Infrastructure;
using Temporalio.Activities;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Common;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance;

/// <summary>
/// Fields Temporal fills in for a program: user metadata (static summary and details) on starts,
/// describe and children; priority on workflows, their activities and their children; the root
/// workflow execution; the suggestion to continue as new.
/// </summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class FieldsTests(ServerFixture fx) : ConformanceTest(fx)
{
    /// <summary>What a run saw of itself, and of the activity it ran.</summary>
    public sealed record Seen(int? PriorityKey, string? FairnessKey, string? RootId, string? RootRunId, string? ParentId,
        int? ActivityPriorityKey, string? ActivityFairnessKey);

    public sealed class Activities
    {
        [Activity]
        public Seen Look()
        {
            var p = ActivityExecutionContext.Current.Info.Priority;
            return new Seen(null, null, null, null, null, p.PriorityKey, p.FairnessKey);
        }
    }

    [Workflow("FieldsLeaf")]
    public sealed class LeafWorkflow
    {
        [WorkflowRun]
        public async Task<Seen> RunAsync(int? activityPriority)
        {
            var act = await Workflow.ExecuteActivityAsync((Activities a) => a.Look(), new()
            {
                StartToCloseTimeout = TimeSpan.FromMinutes(1),
                Priority = activityPriority is { } k ? new Priority(k) : null,
                Summary = "look around",
            });
            var i = Workflow.Info;
            return new Seen(i.Priority.PriorityKey, i.Priority.FairnessKey, i.Root?.WorkflowId, i.Root?.RunId, i.Parent?.WorkflowId,
                act.ActivityPriorityKey, act.ActivityFairnessKey);
        }
    }

    /// <summary>Starts a child (optionally with its own priority), then the child starts a grandchild.</summary>
    [Workflow("FieldsParent")]
    public sealed class ParentWorkflow
    {
        [WorkflowRun]
        public Task<Seen> RunAsync(string childId, int? childPriority, int depth) =>
            depth <= 1
                ? Workflow.ExecuteChildWorkflowAsync((LeafWorkflow wf) => wf.RunAsync(null), new()
                {
                    Id = childId,
                    Priority = childPriority is { } k ? new Priority(k) : null,
                    StaticSummary = "the child",
                    StaticDetails = "started by its parent",
                })
                : Workflow.ExecuteChildWorkflowAsync((ParentWorkflow wf) => wf.RunAsync(childId, childPriority, depth - 1), new()
                {
                    Id = childId + "-middle",
                });
    }

    /// <summary>Runs timers until the server suggests continuing as new, then reports how many it ran.</summary>
    [Workflow("FieldsSuggest")]
    public sealed class SuggestWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(int maxTimers)
        {
            for (var i = 1; i <= maxTimers; i++)
            {
                await Workflow.DelayAsync(TimeSpan.FromMilliseconds(1));
                if (Workflow.ContinueAsNewSuggested)
                    return $"suggested after {i} timers at {Workflow.CurrentHistoryLength} events: {string.Join(",", Workflow.SuggestedContinueAsNewReasons)}";
            }
            return "never suggested";
        }
    }

    private static TemporalWorkerOptions Options(string queue) => new TemporalWorkerOptions(queue)
        .AddWorkflow<LeafWorkflow>().AddWorkflow<ParentWorkflow>().AddWorkflow<SuggestWorkflow>().AddAllActivities(new Activities());

    // ---- user metadata ----

    [Fact]
    public async Task StaticSummaryAndDetailsOfAStartAreOnTheStartedEventAndInDescribe()
    {
        var queue = Id("fields");
        var handle = await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((LeafWorkflow wf) => wf.RunAsync(null),
                new(Id("meta"), queue) { StaticSummary = "nightly **backup**", StaticDetails = "details of the\nbackup" });
            await h.GetResultAsync();
            return h;
        });
        var d = await handle.DescribeAsync();
        Assert.Equal("nightly **backup**", await d.GetStaticSummaryAsync());
        Assert.Equal("details of the\nbackup", await d.GetStaticDetailsAsync());
        var started = (await HistoryAsync(handle))[0];
        Assert.NotNull(started.UserMetadata?.Summary);
        Assert.NotNull(started.UserMetadata?.Details);
    }

    [Fact]
    public async Task ARunStartedWithoutMetadataDescribesWithoutIt()
    {
        var queue = Id("fields");
        var handle = await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((LeafWorkflow wf) => wf.RunAsync(null), new(Id("no-meta"), queue));
            await h.GetResultAsync();
            return h;
        });
        var d = await handle.DescribeAsync();
        Assert.Null(await d.GetStaticSummaryAsync());
        Assert.Null(await d.GetStaticDetailsAsync());
    }

    [Fact]
    public async Task ChildStartedWithSummaryAndDetailsDescribesThemAndTheActivitySummaryIsOnItsEvent()
    {
        var queue = Id("fields");
        var childId = Id("child");
        var parent = await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((ParentWorkflow wf) => wf.RunAsync(childId, null, 1), new(Id("meta-parent"), queue));
            await h.GetResultAsync();
            return h;
        });
        var child = Client.GetWorkflowHandle(childId);
        var d = await child.DescribeAsync();
        Assert.Equal("the child", await d.GetStaticSummaryAsync());
        Assert.Equal("started by its parent", await d.GetStaticDetailsAsync());
        var initiated = (await HistoryAsync(parent)).Single(e => e.EventType == EventType.StartChildWorkflowExecutionInitiated);
        Assert.NotNull(initiated.UserMetadata?.Summary);
        var scheduled = (await HistoryAsync(child)).Single(e => e.EventType == EventType.ActivityTaskScheduled);
        Assert.Equal("\"look around\"", scheduled.UserMetadata?.Summary?.Data.ToStringUtf8());
    }

    // ---- priority ----

    [Fact]
    public async Task WorkflowPriorityIsStoredPassedToTheWorkflowAndInheritedByItsActivities()
    {
        var queue = Id("fields");
        var (seen, handle) = await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((LeafWorkflow wf) => wf.RunAsync(null),
                new(Id("prio"), queue) { Priority = new Priority(2, "tenant-a", 1.5f) });
            return (await h.GetResultAsync(), h);
        });
        Assert.Equal(2, seen.PriorityKey);
        Assert.Equal("tenant-a", seen.FairnessKey);
        Assert.Equal(2, seen.ActivityPriorityKey);
        Assert.Equal("tenant-a", seen.ActivityFairnessKey);
        Assert.Equal(2, (await DescribeRawAsync(handle.Id)).WorkflowExecutionInfo.Priority.PriorityKey);
        Assert.Equal(2, (await HistoryAsync(handle))[0].WorkflowExecutionStartedEventAttributes.Priority.PriorityKey);
    }

    [Fact]
    public async Task ActivityPriorityOverridesTheKeyAndKeepsTheInheritedFairness()
    {
        var queue = Id("fields");
        var seen = await WithWorkerAsync(Options(queue), () =>
            Client.ExecuteWorkflowAsync((LeafWorkflow wf) => wf.RunAsync(5),
                new(Id("prio-act"), queue) { Priority = new Priority(2, "tenant-b") }));
        Assert.Equal(2, seen.PriorityKey);
        Assert.Equal(5, seen.ActivityPriorityKey);
        Assert.Equal("tenant-b", seen.ActivityFairnessKey);
    }

    [Fact]
    public async Task ChildInheritsItsParentsPriorityUnlessItSetsItsOwn()
    {
        var queue = Id("fields");
        var inherited = await WithWorkerAsync(Options(queue), () =>
            Client.ExecuteWorkflowAsync((ParentWorkflow wf) => wf.RunAsync(Id("child"), null, 1), new(Id("prio-parent"), queue) { Priority = new Priority(3) }));
        Assert.Equal(3, inherited.PriorityKey);
        Assert.Equal(3, inherited.ActivityPriorityKey);
        var own = await WithWorkerAsync(Options(queue), () =>
            Client.ExecuteWorkflowAsync((ParentWorkflow wf) => wf.RunAsync(Id("child"), 1, 1), new(Id("prio-parent"), queue) { Priority = new Priority(3) }));
        Assert.Equal(1, own.PriorityKey);
        Assert.Equal(1, own.ActivityPriorityKey);
    }

    [Fact]
    public async Task RunWithoutPriorityHasTheDefault()
    {
        var queue = Id("fields");
        var seen = await WithWorkerAsync(Options(queue), () =>
            Client.ExecuteWorkflowAsync((LeafWorkflow wf) => wf.RunAsync(null), new(Id("prio-none"), queue)));
        Assert.Null(seen.PriorityKey);
        Assert.Null(seen.ActivityPriorityKey);
    }

    // ---- root execution ----

    [Fact]
    public async Task GrandchildAndChildNameTheTopRunAsRootAndTheTopRunIsItsOwnRoot()
    {
        var queue = Id("fields");
        var leafId = Id("leaf");
        var (seen, top) = await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((ParentWorkflow wf) => wf.RunAsync(leafId, null, 2), new(Id("root"), queue));
            return (await h.GetResultAsync(), h);
        });
        var topRun = (await top.DescribeAsync()).RunId;
        Assert.Equal(top.Id, seen.RootId);
        Assert.Equal(topRun, seen.RootRunId);
        Assert.Equal(leafId + "-middle", seen.ParentId);
        // Describe: every run of the tree names the top run as its root, the top run itself included.
        foreach (var id in new[] { leafId, leafId + "-middle", top.Id })
        {
            var info = (await DescribeRawAsync(id)).WorkflowExecutionInfo;
            Assert.Equal(top.Id, info.RootExecution.WorkflowId);
            Assert.Equal(topRun, info.RootExecution.RunId);
        }
        // History: only runs that have a parent record a root (a root's own is left unset).
        Assert.Null((await HistoryAsync(top))[0].WorkflowExecutionStartedEventAttributes.RootWorkflowExecution);
        Assert.Equal(top.Id, (await HistoryAsync(Client.GetWorkflowHandle(leafId)))[0].WorkflowExecutionStartedEventAttributes.RootWorkflowExecution.WorkflowId);
    }

    // ---- suggest continue-as-new ----

    [Fact]
    public async Task ShortHistoryIsNotSuggestedToContinueAsNew()
    {
        var queue = Id("fields");
        var result = await WithWorkerAsync(Options(queue), () =>
            Client.ExecuteWorkflowAsync((SuggestWorkflow wf) => wf.RunAsync(5), new(Id("no-suggest"), queue)));
        Assert.Equal("never suggested", result);
    }

    [EmbeddedServerFact]
    public async Task ServerSuggestsContinueAsNewOnceHistoryReachesTheConfiguredLength()
    {
        await using var server = new ServerProcess(null, "--suggest-continue-as-new-events", "40");
        await server.StartAsync();
        var client = await server.ConnectAsync();
        var queue = Id("fields");
        using var worker = new TemporalWorker(client, Options(queue));
        var (result, handle) = await worker.ExecuteAsync(async () =>
        {
            var h = await client.StartWorkflowAsync((SuggestWorkflow wf) => wf.RunAsync(100), new(Id("suggest"), queue));
            return (await h.GetResultAsync(), h);
        }).WaitAsync(ResultTimeout);
        Assert.StartsWith("suggested after", result);
        Assert.Contains("TooManyHistoryEvents", result);
        var events = (await handle.FetchHistoryAsync()).Events;
        var firstSuggesting = events.First(e => e.WorkflowTaskStartedEventAttributes?.SuggestContinueAsNew == true);
        Assert.True(firstSuggesting.EventId >= 40, $"suggested at event {firstSuggesting.EventId}");
        Assert.All(events.Where(e => e.EventType == EventType.WorkflowTaskStarted && e.EventId < 39),
            e => Assert.False(e.WorkflowTaskStartedEventAttributes.SuggestContinueAsNew));
    }

    [EmbeddedServerFact]
    public async Task ServerSuggestsContinueAsNewOnceHistoryReachesTheConfiguredSize()
    {
        await using var server = new ServerProcess(null, "--suggest-continue-as-new-bytes", "3000");
        await server.StartAsync();
        var client = await server.ConnectAsync();
        var queue = Id("fields");
        using var worker = new TemporalWorker(client, Options(queue));
        var result = await worker.ExecuteAsync(() =>
            client.ExecuteWorkflowAsync((SuggestWorkflow wf) => wf.RunAsync(200), new(Id("suggest-size"), queue))).WaitAsync(ResultTimeout);
        Assert.StartsWith("suggested after", result);
        Assert.Contains("HistorySizeTooLarge", result);
    }

    [EmbeddedServerFact]
    public async Task ServerHelpNamesTheContinueAsNewLimitsAndRejectsABadValue()
    {
        var help = await RunServerAsync("--help");
        Assert.Equal(0, help.Exit);
        Assert.Contains("--suggest-continue-as-new-events", help.Output);
        Assert.Contains("--suggest-continue-as-new-bytes", help.Output);
        var bad = await RunServerAsync("--suggest-continue-as-new-events", "many");
        Assert.Equal(2, bad.Exit);
        Assert.Contains("--suggest-continue-as-new-events must be a whole number of 0 or more, not 'many'.", bad.Output);
    }

    private static async Task<(int Exit, string Output)> RunServerAsync(params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(RepoPaths.ServerDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (p.ExitCode, await stdout + await stderr);
    }
}
