using System.Collections.Concurrent;
using Kubiya.Tests.Infrastructure;
using Temporalio.Activities;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Tests.Durability;

/// <summary>
/// kill -9 of the server in the middle of 200 executions, restart on the same database:
/// every execution completes exactly once and every activity's side effect is recorded.
/// </summary>
[Trait("Category", "Durability")]
public sealed class KillRestartTests
{
    private static readonly ConcurrentDictionary<string, int> SideEffects = new();

    [Workflow("DurableWork")]
    public sealed class DurableWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(string key, int millis)
        {
            var done = await Workflow.ExecuteActivityAsync(
                () => Work(key, millis),
                new() { StartToCloseTimeout = TimeSpan.FromSeconds(15), RetryPolicy = new() { InitialInterval = TimeSpan.FromMilliseconds(200) } });
            return done + ":" + key;
        }
    }

    [Activity("DurableWorkStep")]
    public static async Task<string> Work(string key, int millis)
    {
        await Task.Delay(millis, ActivityExecutionContext.Current.CancellationToken);
        SideEffects.AddOrUpdate(key, 1, (_, n) => n + 1);
        return "done";
    }

    [Fact]
    public async Task AllExecutionsCompleteExactlyOnceAcrossAKillNineRestart()
    {
        await using var server = new ServerProcess();
        await server.StartAsync();
        var port = server.Port;
        var client = await server.ConnectAsync();
        var queue = ServerFixture.Unique("durable");
        var prefix = ServerFixture.Unique("dur");
        const int count = 200;
        using var worker = new TemporalWorker(client, new TemporalWorkerOptions(queue)
        {
            MaxConcurrentActivities = 100,
        }.AddWorkflow<DurableWorkflow>().AddActivity(Work));
        using var stopWorker = new CancellationTokenSource();
        var workerRun = worker.ExecuteAsync(stopWorker.Token);

        var random = new Random(42);
        var handles = new List<WorkflowHandle<DurableWorkflow, string>>();
        for (var i = 0; i < count; i++)
        {
            var key = $"{prefix}-{i}";
            handles.Add(await client.StartWorkflowAsync((DurableWorkflow wf) => wf.RunAsync(key, random.Next(1000, 2001)),
                new(key, queue)));
        }

        // Let roughly half the work happen, then pull the plug.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (handles.Count(h => SideEffects.ContainsKey(h.Id)) < count / 4 && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        server.Kill();
        var doneBeforeKill = handles.Count(h => SideEffects.ContainsKey(h.Id));
        Assert.True(doneBeforeKill < count, "the kill must happen mid-way");
        await Task.Delay(1000);
        await server.StartAsync(port);

        using var wait = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        foreach (var h in handles)
        {
            var result = await h.GetResultAsync(rpcOptions: new() { CancellationToken = wait.Token });
            Assert.Equal("done:" + h.Id, result);
        }
        foreach (var h in handles)
        {
            Assert.True(SideEffects.TryGetValue(h.Id, out var n) && n >= 1, $"side effect of {h.Id} missing");
            var history = await h.FetchHistoryAsync();
            Assert.Single(history.Events, e => e.EventType == EventType.WorkflowExecutionCompleted);
            Assert.Equal(EventType.WorkflowExecutionCompleted, history.Events.Last().EventType);
        }
        // Exactly one run per workflow id: a re-executed start would have created a second run.
        foreach (var h in handles)
        {
            var desc = await client.GetWorkflowHandle(h.Id).DescribeAsync();
            Assert.Equal(h.ResultRunId, desc.RunId);
            Assert.Equal(WorkflowExecutionStatus.Completed, desc.Status);
        }
        stopWorker.Cancel();
        try { await workerRun; } catch (OperationCanceledException) { }
    }
}
