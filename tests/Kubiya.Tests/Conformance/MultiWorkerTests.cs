using System.Collections.Concurrent;
using Kubiya.Tests.Infrastructure;
using Temporalio.Activities;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance;

/// <summary>Several workers on one task queue: work is shared, and a dead worker's activity moves on.</summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class MultiWorkerTests(ServerFixture fx) : ConformanceTest(fx)
{
    /// <summary>
    /// Holds each worker's activities until every named worker has started one, so sharing is
    /// proven without depending on timing (each worker has a single activity slot).
    /// </summary>
    public sealed class Rendezvous(params string[] workers)
    {
        private readonly ConcurrentDictionary<string, bool> arrived = new();
        private readonly TaskCompletionSource all = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task ArriveAsync(string worker)
        {
            arrived[worker] = true;
            if (workers.All(arrived.ContainsKey)) all.TrySetResult();
            try { await all.Task.WaitAsync(TimeSpan.FromSeconds(30)); }
            catch (TimeoutException) { /* the test's assertions report who never arrived */ }
        }
    }

    /// <summary>An activity implementation that knows which worker it belongs to.</summary>
    public sealed class NamedActivities(string worker, bool stall = false, Rendezvous? meet = null)
    {
        public ConcurrentQueue<int> Attempts { get; } = new();
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        /// <summary>Never completed by the test: a stalled activity behaves like one whose process died.</summary>
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        [Activity]
        public async Task<string> Work(int item)
        {
            var ctx = ActivityExecutionContext.Current;
            Attempts.Enqueue(ctx.Info.Attempt);
            if (stall)
            {
                ctx.Heartbeat($"{worker} was here");
                Started.TrySetResult();
                // Deliberately ignores cancellation: like a hung or killed process, it never answers.
                await Release.Task;
                return "stalled worker finished late";
            }
            if (meet != null) await meet.ArriveAsync(worker);
            var inherited = ctx.Info.HeartbeatDetails.Count > 0 ? await ctx.Info.HeartbeatDetailAtAsync<string>(0) : "nothing";
            return $"{worker}:{item}:attempt {ctx.Info.Attempt}:inherited {inherited}";
        }
    }

    public sealed record FanOut(string ActivityQueue, int Count, double HeartbeatSec);

    [Workflow]
    public sealed class FanOutWorkflow
    {
        [WorkflowRun]
        public async Task<List<string>> RunAsync(FanOut plan)
        {
            var options = new ActivityOptions
            {
                TaskQueue = plan.ActivityQueue,
                StartToCloseTimeout = TimeSpan.FromMinutes(2),
                HeartbeatTimeout = plan.HeartbeatSec > 0 ? TimeSpan.FromSeconds(plan.HeartbeatSec) : null,
                RetryPolicy = new() { InitialInterval = TimeSpan.FromMilliseconds(100), BackoffCoefficient = 1 },
            };
            var results = await Workflow.WhenAllAsync(Enumerable.Range(0, plan.Count)
                .Select(i => Workflow.ExecuteActivityAsync((NamedActivities a) => a.Work(i), options)));
            return results.ToList();
        }
    }

    private static TemporalWorkerOptions ActivityWorker(string queue, string identity, NamedActivities acts) =>
        new TemporalWorkerOptions(queue) { Identity = identity, MaxConcurrentActivities = 1 }.AddAllActivities(acts);

    [Workflow]
    public sealed class QuickWorkflow
    {
        [WorkflowRun]
        public Task<string> RunAsync() => Task.FromResult("done by " + Workflow.Info.TaskQueue);
    }

    [Fact]
    public async Task WorkflowTaskOfAVanishedWorkerIsRetriedByAnotherAfterItsTimeout()
    {
        var queue = Id("wft-dead");
        var h = await Client.StartWorkflowAsync((QuickWorkflow wf) => wf.RunAsync(), new(Id("quick"), queue) { TaskTimeout = TimeSpan.FromSeconds(1) });
        // A worker takes the first workflow task and is never heard from again.
        var taken = await Client.Connection.WorkflowService.PollWorkflowTaskQueueAsync(new()
        {
            Namespace = Fx.Namespace,
            TaskQueue = new() { Name = queue },
            Identity = "vanished-worker",
        });
        Assert.Equal(h.Id, taken.WorkflowExecution.WorkflowId);
        var result = await WithWorkerAsync(new TemporalWorkerOptions(queue) { Identity = "healthy-worker" }.AddWorkflow<QuickWorkflow>(),
            () => h.GetResultAsync());
        Assert.Equal("done by " + queue, result);
        var events = await HistoryAsync(h);
        var timedOut = events.Single(e => e.EventType == EventType.WorkflowTaskTimedOut);
        Assert.Equal(TimeoutType.StartToClose, timedOut.WorkflowTaskTimedOutEventAttributes.TimeoutType);
        var started = events.Where(e => e.EventType == EventType.WorkflowTaskStarted).Select(e => e.WorkflowTaskStartedEventAttributes.Identity).ToList();
        Assert.Equal(new[] { "vanished-worker", "healthy-worker" }, started);
        Assert.Equal(2, events.Last(e => e.EventType == EventType.WorkflowTaskScheduled).WorkflowTaskScheduledEventAttributes.Attempt);
    }

    [Fact]
    public async Task TwoWorkersOnOneQueueShareTheActivities()
    {
        var workflowQueue = Id("wfq");
        var activityQueue = Id("shared");
        var meet = new Rendezvous("worker-a", "worker-b");
        var a = new NamedActivities("worker-a", meet: meet);
        var b = new NamedActivities("worker-b", meet: meet);
        // Each worker has its own client connection, as two worker processes would.
        using var workerA = new TemporalWorker(await Fx.ConnectAsync(), ActivityWorker(activityQueue, "identity-a", a));
        using var workerB = new TemporalWorker(await Fx.ConnectAsync(), ActivityWorker(activityQueue, "identity-b", b));
        var (results, handle) = await workerA.ExecuteAsync(() => workerB.ExecuteAsync(() =>
            WithWorkerAsync(new TemporalWorkerOptions(workflowQueue).AddWorkflow<FanOutWorkflow>(), async () =>
            {
                var h = await Client.StartWorkflowAsync((FanOutWorkflow wf) => wf.RunAsync(new FanOut(activityQueue, 8, 0)), new(Id("fan"), workflowQueue));
                return (await h.GetResultAsync(), h);
            })));
        Assert.Equal(8, results.Count);
        Assert.Contains(results, r => r.StartsWith("worker-a:"));
        Assert.Contains(results, r => r.StartsWith("worker-b:"));
        // The server saw both identities start activities.
        var identities = (await HistoryAsync(handle)).Where(e => e.EventType == EventType.ActivityTaskStarted)
            .Select(e => e.ActivityTaskStartedEventAttributes.Identity).ToHashSet();
        Assert.Equal(new HashSet<string> { "identity-a", "identity-b" }, identities);
    }

    [Fact]
    public async Task ActivityOfAKilledWorkerProcessIsCompletedByAnotherAfterTheHeartbeatTimeout()
    {
        var workflowQueue = Id("wfq");
        var activityQueue = Id("killed");
        var healthy = new NamedActivities("worker-b");
        var (results, handle) = await WithWorkerAsync(new TemporalWorkerOptions(workflowQueue).AddWorkflow<FanOutWorkflow>(), async () =>
        {
            await using var doomed = await WorkerProcess.StartAsync(Fx.Address, Fx.Namespace, activityQueue, "identity-doomed", Fx.Token);
            var h = await Client.StartWorkflowAsync((FanOutWorkflow wf) => wf.RunAsync(new FanOut(activityQueue, 1, 2)), new(Id("killed"), workflowQueue));
            await doomed.WaitForLineAsync(l => l.StartsWith("STARTED item=0 attempt=1"), ResultTimeout);
            // Heartbeats leave the worker asynchronously: kill it only once the server has its heartbeat.
            await EventuallyAsync(() => DescribeRawAsync(h.Id), d => d.PendingActivities.Count == 1 && d.PendingActivities[0].HeartbeatDetails != null,
                "the doomed worker's heartbeat to reach the server");
            doomed.Kill();
            using var workerB = new TemporalWorker(await Fx.ConnectAsync(), ActivityWorker(activityQueue, "identity-b", healthy));
            return await workerB.ExecuteAsync(async () => (await h.GetResultAsync(), h));
        });
        Assert.Equal(new[] { "worker-b:0:attempt 2:inherited identity-doomed was here" }, results);
        var started = (await HistoryAsync(handle)).Single(e => e.EventType == EventType.ActivityTaskStarted).ActivityTaskStartedEventAttributes;
        Assert.Equal("identity-b", started.Identity);
        Assert.Equal(2, started.Attempt);
        Assert.Equal(TimeoutType.Heartbeat, started.LastFailure.TimeoutFailureInfo.TimeoutType);
    }

    [Fact]
    public async Task ActivityOfAStalledWorkerIsCompletedByAnotherAfterTheHeartbeatTimeout()
    {
        var workflowQueue = Id("wfq");
        var activityQueue = Id("failover");
        var stalled = new NamedActivities("worker-a", stall: true);
        var healthy = new NamedActivities("worker-b");
        using var workerA = new TemporalWorker(await Fx.ConnectAsync(), ActivityWorker(activityQueue, "identity-a", stalled));
        using var stopA = new CancellationTokenSource();
        var runA = workerA.ExecuteAsync(stopA.Token);
        try
        {
            var (results, handle) = await WithWorkerAsync(new TemporalWorkerOptions(workflowQueue).AddWorkflow<FanOutWorkflow>(), async () =>
            {
                var h = await Client.StartWorkflowAsync((FanOutWorkflow wf) => wf.RunAsync(new FanOut(activityQueue, 1, 2)), new(Id("failover"), workflowQueue));
                await stalled.Started.Task;
                await EventuallyAsync(() => DescribeRawAsync(h.Id), d => d.PendingActivities.Count == 1 && d.PendingActivities[0].HeartbeatDetails != null,
                    "worker A's heartbeat to reach the server");
                // Worker A stops polling; its activity stays stuck and never heartbeats or answers again.
                stopA.Cancel();
                using var workerB = new TemporalWorker(await Fx.ConnectAsync(), ActivityWorker(activityQueue, "identity-b", healthy));
                return await workerB.ExecuteAsync(async () => (await h.GetResultAsync(), h));
            });
            Assert.Equal(new[] { "worker-b:0:attempt 2:inherited worker-a was here" }, results);
            Assert.Equal(new[] { 1 }, stalled.Attempts.ToArray());
            Assert.Equal(new[] { 2 }, healthy.Attempts.ToArray());
            var started = (await HistoryAsync(handle)).Single(e => e.EventType == EventType.ActivityTaskStarted).ActivityTaskStartedEventAttributes;
            Assert.Equal("identity-b", started.Identity);
            Assert.Equal(2, started.Attempt);
            Assert.Equal(TimeoutType.Heartbeat, started.LastFailure.TimeoutFailureInfo.TimeoutType);
        }
        finally
        {
            // Let worker A finish its shutdown; its late answer is refused by the server.
            stalled.Release.TrySetResult();
            try { await runA.WaitAsync(TimeSpan.FromSeconds(30)); } catch (Exception) { }
        }
    }
}
