using System.Collections.Concurrent;
using Kubiya.Tests.Infrastructure;
using Temporalio.Activities;
using Temporalio.Api.Enums.V1;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Tests.Durability;

/// <summary>
/// kill -9 of the server while an activity runs, kept down past the activity's heartbeat timeout:
/// after the restart the attempt that was running is still awaited (its worker reconnects and
/// reports), and an attempt whose worker died during the outage is retried once the grace is over.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class ResumedAttemptTests
{
    /// <summary>Task tokens of the attempts started, per key.</summary>
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<byte[]>> Tokens = new();

    [Workflow("ResumedAttempt")]
    public sealed class ResumedWorkflow
    {
        /// <summary>Runs "Work" with <paramref name="key"/>, or with an item number for the Kubiya.TestWorker process when there is no key.</summary>
        [WorkflowRun]
        public Task<string> RunAsync(string activityQueue, string? key) =>
            Workflow.ExecuteActivityAsync<string>("Work", new object[] { key ?? (object)7 }, new()
            {
                TaskQueue = activityQueue,
                StartToCloseTimeout = TimeSpan.FromSeconds(120),
                HeartbeatTimeout = TimeSpan.FromSeconds(4),
                RetryPolicy = new() { InitialInterval = TimeSpan.FromMilliseconds(100) },
            });
    }

    /// <summary>
    /// Hands its task token to the test and completes asynchronously: the result arrives later
    /// through the client, as a Kubiya step's does when its worker rides out an outage.
    /// </summary>
    [Activity("Work")]
    public static string Work(string key)
    {
        Tokens.GetOrAdd(key, _ => new()).Enqueue(ActivityExecutionContext.Current.Info.TaskToken);
        throw new CompleteAsyncException();
    }

    /// <summary>The second worker's "Work", taking the item number as Kubiya.TestWorker's does.</summary>
    public sealed class HealthyActivities
    {
        [Activity("Work")]
        public string Work(int item) => $"done on attempt {ActivityExecutionContext.Current.Info.Attempt}";
    }

    [EmbeddedServerFact]
    public async Task AnAttemptRunningAcrossAnOutageLongerThanItsHeartbeatTimeoutIsNotRetried()
    {
        await using var server = new ServerProcess();
        await server.StartAsync();
        var client = await server.ConnectAsync();
        var queue = ServerFixture.Unique("resumed");
        var key = ServerFixture.Unique("key");
        using var worker = new TemporalWorker(client, new TemporalWorkerOptions(queue).AddWorkflow<ResumedWorkflow>().AddActivity(Work));
        var (result, handle) = await worker.ExecuteAsync(async () =>
        {
            var started = await client.StartWorkflowAsync((ResumedWorkflow wf) => wf.RunAsync(queue, key), new(key, queue));
            var until = DateTime.UtcNow.AddSeconds(60);
            while (!Tokens.ContainsKey(key) && DateTime.UtcNow < until) await Task.Delay(20);
            Assert.True(Tokens.ContainsKey(key), "the activity never started");

            // Within the heartbeat timeout of the start: until the kill the attempt is healthy.
            server.Kill();
            // Down for more than twice the heartbeat timeout: the attempt's heartbeat deadline passes.
            await Task.Delay(TimeSpan.FromSeconds(10));
            await server.StartAsync(server.Port);
            // Had the server timed the attempt out on restart, attempt 2 would have started by now.
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.True(Tokens.TryGetValue(key, out var tokens) && tokens.Count == 1, "the attempt running across the outage was retried at the restart");
            // Its result arrives after the restart, through the client's retries.
            await client.GetAsyncActivityHandle(tokens.Single()).CompleteAsync("done on attempt 1");
            return (await started.GetResultAsync().WaitAsync(TimeSpan.FromSeconds(90)), started);
        });

        var history = await handle.FetchHistoryAsync();
        var story = string.Join("\n", history.Events.Select(e => $"{e.EventTime.ToDateTime():HH:mm:ss.fff} {e.EventType} {e.ActivityTaskStartedEventAttributes?.LastFailure?.Message}"));
        Assert.True(result == "done on attempt 1", $"{result}\n{story}");
        Assert.Single(Tokens[key]);
        Assert.Single(history.Events, e => e.EventType == EventType.ActivityTaskStarted);
        Assert.Equal(EventType.WorkflowExecutionCompleted, history.Events.Last().EventType);
    }

    [EmbeddedServerFact]
    public async Task AnAttemptWhoseWorkerDiedDuringTheOutageIsRetriedAfterTheGrace()
    {
        await using var server = new ServerProcess(null, "--resume-grace", "3");
        await server.StartAsync();
        var client = await server.ConnectAsync();
        var workflowQueue = ServerFixture.Unique("resumed-wf");
        var activityQueue = ServerFixture.Unique("resumed-act");
        var key = ServerFixture.Unique("key");
        await using var doomed = await WorkerProcess.StartAsync(server.Address, "default", activityQueue, "identity-doomed", server.Token);
        using var workflows = new TemporalWorker(client, new TemporalWorkerOptions(workflowQueue).AddWorkflow<ResumedWorkflow>());
        var result = await workflows.ExecuteAsync(async () =>
        {
            var handle = await client.StartWorkflowAsync((ResumedWorkflow wf) => wf.RunAsync(activityQueue, null), new(key, workflowQueue));
            await doomed.WaitForLineAsync(l => l.StartsWith("STARTED") && l.Contains("attempt=1"), TimeSpan.FromSeconds(60));

            server.Kill();
            doomed.Kill(); // the worker dies while the server is down: nobody will report attempt 1
            await Task.Delay(TimeSpan.FromSeconds(5));
            await server.StartAsync(server.Port);

            using var healthy = new TemporalWorker(await server.ConnectAsync(), new TemporalWorkerOptions(activityQueue).AddAllActivities(new HealthyActivities()));
            return await healthy.ExecuteAsync(() => handle.GetResultAsync().WaitAsync(TimeSpan.FromSeconds(90)));
        });

        Assert.Equal("done on attempt 2", result);
    }
}
