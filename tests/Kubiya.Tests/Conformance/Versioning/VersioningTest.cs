using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using VersioningBehavior = Temporalio.Common.VersioningBehavior;
using Temporalio.Api.History.V1;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;
using Temporalio.Common;
using Temporalio.Exceptions;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance.Versioning;

/// <summary>
/// Plumbing for worker versioning tests: versioned workers of one deployment polling one task
/// queue, the deployment RPCs through client.WorkflowService, and workflows that report which
/// version ran each of their steps (Workflow.CurrentDeploymentVersion, replayed from history).
/// </summary>
public abstract class VersioningTest(ServerFixture fx) : ConformanceTest(fx)
{
    protected WorkflowService Service => Client.Connection.WorkflowService;

    /// <summary>A deployment name unique to the test (deployment names may not contain dots).</summary>
    protected static string Deployment(string prefix) => Id(prefix);

    /// <summary>A worker that runs until disposed, then shuts down gracefully (telling the server it leaves).</summary>
    protected sealed class RunningWorker : IAsyncDisposable
    {
        private readonly TemporalWorker worker;
        private readonly CancellationTokenSource stop = new();
        private readonly Task run;

        public RunningWorker(TemporalClient client, TemporalWorkerOptions options)
        {
            worker = new TemporalWorker(client, options);
            run = worker.ExecuteAsync(stop.Token);
        }

        public async ValueTask DisposeAsync()
        {
            stop.Cancel();
            try { await run; } catch (OperationCanceledException) { }
            worker.Dispose();
            stop.Dispose();
        }
    }

    /// <summary>Options of a worker polling <paramref name="queue"/> as version deployment.build with versioning on.</summary>
    internal static TemporalWorkerOptions VersionedOptions(string queue, string deployment, string build,
        VersioningBehavior defaultBehavior = VersioningBehavior.Unspecified) =>
        new TemporalWorkerOptions(queue)
        {
            Identity = $"{build}@{queue}",
            DeploymentOptions = new WorkerDeploymentOptions(new WorkerDeploymentVersion(deployment, build), true)
            {
                DefaultVersioningBehavior = defaultBehavior,
            },
        }
        .AddWorkflow<PinnedSteps>()
        .AddWorkflow<AutoUpgradeSteps>()
        .AddWorkflow<PinnedContinueAsNew>()
        .AddWorkflow<PinnedParent>()
        .AddWorkflow<FailsFirstAttempt>()
        .AddAllActivities(new VersionActivities(build));

    protected RunningWorker StartWorker(string queue, string deployment, string build) =>
        new(Client, VersionedOptions(queue, deployment, build));

    /// <summary>Starts a versioned worker and waits until the server lists its version with the queue.</summary>
    protected async Task<RunningWorker> StartRegisteredWorkerAsync(string queue, string deployment, string build)
    {
        var w = StartWorker(queue, deployment, build);
        await WaitForVersionAsync(deployment, build, queue);
        return w;
    }

    protected async Task WaitForVersionAsync(string deployment, string build, string queue) =>
        await EventuallyAsync(async () =>
        {
            try
            {
                var v = await DescribeVersionAsync(deployment, build);
                return v.WorkerDeploymentVersionInfo.TaskQueueInfos.Count(q => q.Name == queue);
            }
            catch (RpcException e) when (e.Code == RpcException.StatusCode.NotFound) { return 0; }
        }, n => n >= 2, $"version {deployment}.{build} to list both task queue types of {queue}");

    protected Task<DescribeWorkerDeploymentResponse> DescribeDeploymentAsync(string deployment) =>
        Service.DescribeWorkerDeploymentAsync(new() { Namespace = Fx.Namespace, DeploymentName = deployment });

    protected Task<DescribeWorkerDeploymentVersionResponse> DescribeVersionAsync(string deployment, string build, bool stats = false) =>
        Service.DescribeWorkerDeploymentVersionAsync(new()
        {
            Namespace = Fx.Namespace,
            DeploymentVersion = new() { DeploymentName = deployment, BuildId = build },
            ReportTaskQueueStats = stats,
        });

    protected Task<SetWorkerDeploymentCurrentVersionResponse> SetCurrentAsync(string deployment, string build) =>
        Service.SetWorkerDeploymentCurrentVersionAsync(new()
        {
            Namespace = Fx.Namespace,
            DeploymentName = deployment,
            BuildId = build,
            Identity = "versioning-test",
        });

    protected Task<SetWorkerDeploymentRampingVersionResponse> SetRampingAsync(string deployment, string build, float percentage) =>
        Service.SetWorkerDeploymentRampingVersionAsync(new()
        {
            Namespace = Fx.Namespace,
            DeploymentName = deployment,
            BuildId = build,
            Percentage = percentage,
            Identity = "versioning-test",
        });

    protected static async Task<RpcException> RefusedAsync(Func<Task> call, RpcException.StatusCode code)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(code, ex.Code);
        return ex;
    }

    /// <summary>Build ids of the workers that completed the run's workflow tasks, in order, from history.</summary>
    protected static async Task<List<string>> CompletedByAsync(WorkflowHandle h) =>
        (await HistoryAsync(h)).Where(e => e.EventType == EventType.WorkflowTaskCompleted)
            .Select(e => e.WorkflowTaskCompletedEventAttributes.DeploymentVersion?.BuildId ?? "").ToList();

    protected static HistoryEvent Last(IEnumerable<HistoryEvent> events, EventType type) => events.Last(e => e.EventType == type);

    /// <summary>Waits until the run has completed <paramref name="count"/> workflow tasks.</summary>
    protected static Task WaitForTasksAsync(WorkflowHandle h, int count) =>
        EventuallyAsync(async () => (await HistoryAsync(h)).Count(e => e.EventType == EventType.WorkflowTaskCompleted),
            n => n >= count, $"{count} completed workflow tasks of {h.Id}");

    protected static WorkerDeploymentVersion V(string deployment, string build) => new(deployment, build);
}

/// <summary>Activities that say which version's worker ran them.</summary>
public sealed class VersionActivities(string build)
{
    [Temporalio.Activities.Activity]
    public string WhichBuild() => build;
}

/// <summary>
/// A pinned workflow of <c>steps</c> steps: each waits for one "next" signal and records the build id
/// of the worker running that step. The result lists them ("v1,v1,...").
/// </summary>
[Workflow(VersioningBehavior = VersioningBehavior.Pinned)]
public sealed class PinnedSteps
{
    private int signals;
    private readonly List<string> seen = new();

    [WorkflowRun]
    public async Task<string> RunAsync(int steps)
    {
        seen.Add(Workflow.CurrentDeploymentVersion?.BuildId ?? "none");
        for (var i = 0; i < steps; i++)
        {
            await Workflow.WaitConditionAsync(() => signals > i);
            seen.Add(Workflow.CurrentDeploymentVersion?.BuildId ?? "none");
        }
        return string.Join(",", seen);
    }

    [WorkflowSignal]
    public Task NextAsync() { signals++; return Task.CompletedTask; }

    [WorkflowQuery]
    public string Seen => string.Join(",", seen);
}

/// <summary>The auto-upgrade twin of <see cref="PinnedSteps"/>; its last step also runs an activity.</summary>
[Workflow(VersioningBehavior = VersioningBehavior.AutoUpgrade)]
public sealed class AutoUpgradeSteps
{
    private int signals;
    private readonly List<string> seen = new();

    [WorkflowRun]
    public async Task<string> RunAsync(int steps)
    {
        seen.Add(Workflow.CurrentDeploymentVersion?.BuildId ?? "none");
        for (var i = 0; i < steps; i++)
        {
            await Workflow.WaitConditionAsync(() => signals > i);
            seen.Add(Workflow.CurrentDeploymentVersion?.BuildId ?? "none");
        }
        var activity = await Workflow.ExecuteActivityAsync((VersionActivities a) => a.WhichBuild(),
            new ActivityOptions { StartToCloseTimeout = TimeSpan.FromSeconds(30) });
        return string.Join(",", seen) + "|activity:" + activity;
    }

    [WorkflowSignal]
    public Task NextAsync() { signals++; return Task.CompletedTask; }
}

/// <summary>What a <see cref="PinnedContinueAsNew"/> run does: continue once with the given initial behaviour.</summary>
public sealed record ContinuePlan(bool Continued, InitialVersioningBehavior Initial, bool TargetChanged = false);

/// <summary>
/// A pinned workflow that waits for a signal, then continues as new (with the plan's initial
/// versioning behaviour); the second run reports its version and whether the first saw its target change.
/// </summary>
[Workflow(VersioningBehavior = VersioningBehavior.Pinned)]
public sealed class PinnedContinueAsNew
{
    private bool go;

    [WorkflowRun]
    public async Task<string> RunAsync(ContinuePlan plan)
    {
        var build = Workflow.CurrentDeploymentVersion?.BuildId ?? "none";
        if (plan.Continued) return $"{build}|target changed: {plan.TargetChanged}";
        await Workflow.WaitConditionAsync(() => go);
        var changed = Workflow.TargetWorkerDeploymentVersionChanged;
        var next = plan with { Continued = true, TargetChanged = changed };
        throw Workflow.CreateContinueAsNewException((PinnedContinueAsNew wf) => wf.RunAsync(next),
            new() { InitialVersioningBehavior = plan.Initial });
    }

    [WorkflowSignal]
    public Task GoAsync() { go = true; return Task.CompletedTask; }
}

/// <summary>A pinned parent that, once signalled, runs a <see cref="PinnedSteps"/> child on its own task queue.</summary>
[Workflow(VersioningBehavior = VersioningBehavior.Pinned)]
public sealed class PinnedParent
{
    private bool go;

    [WorkflowRun]
    public async Task<string> RunAsync(string childId)
    {
        await Workflow.WaitConditionAsync(() => go);
        return await Workflow.ExecuteChildWorkflowAsync((PinnedSteps wf) => wf.RunAsync(0), new() { Id = childId });
    }

    [WorkflowSignal]
    public Task GoAsync() { go = true; return Task.CompletedTask; }
}

/// <summary>Fails its first attempt (the run's retry policy starts another); the next one returns its build id.</summary>
[Workflow(VersioningBehavior = VersioningBehavior.AutoUpgrade)]
public sealed class FailsFirstAttempt
{
    [WorkflowRun]
    public Task<string> RunAsync() => Workflow.Info.Attempt == 1
        ? throw new ApplicationFailureException("first attempt fails")
        : Task.FromResult(Workflow.CurrentDeploymentVersion?.BuildId ?? "none");
}
