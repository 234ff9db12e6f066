using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;
using Temporalio.Common;
using Temporalio.Exceptions;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance;

/// <summary>
/// CronSchedule on StartWorkflowExecution with Temporal's semantics: the first run waits for the
/// next match, each close starts the next run of the same workflow id (carrying the last result
/// or failure), retries happen within a run, and terminate ends the chain.
/// </summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class CronScheduleTests(ServerFixture fx) : ConformanceTest(fx)
{
    [Workflow]
    public sealed class CountingCronWorkflow
    {
        /// <summary>Returns one more than the previous run's result (0 for the first run).</summary>
        [WorkflowRun]
        public Task<int> RunAsync()
        {
            var last = Workflow.Info.LastResult is { Count: > 0 } r ? (int)Workflow.PayloadConverter.ToValue(r.First().Payload, typeof(int))! : 0;
            return Task.FromResult(last + 1);
        }
    }

    [Workflow]
    public sealed class FlakyCronWorkflow
    {
        /// <summary>Fails its first attempt; returns the attempt that succeeded and whether the previous run's failure was seen.</summary>
        [WorkflowRun]
        public async Task<string> RunAsync()
        {
            await Task.CompletedTask;
            if (Workflow.Info.Attempt == 1) throw new ApplicationFailureException("first attempt fails");
            return $"attempt {Workflow.Info.Attempt}";
        }
    }

    private async Task<List<WorkflowExecution>> RunsAsync(string workflowId)
    {
        var list = new List<WorkflowExecution>();
        await foreach (var w in Client.ListWorkflowsAsync($"WorkflowId = '{workflowId}'")) list.Add(w);
        return list.OrderBy(w => w.StartTime).ToList();
    }

    /// <summary>The result of one completed run, read from its close event (the chain itself never ends).</summary>
    private async Task<T> ResultOfRunAsync<T>(string workflowId, string runId)
    {
        var close = (await Client.GetWorkflowHandle(workflowId, runId: runId).FetchHistoryAsync()).Events.Last();
        var attrs = close.WorkflowExecutionCompletedEventAttributes;
        Assert.False(string.IsNullOrEmpty(attrs.NewExecutionRunId)); // a cron run names the run that follows it
        return System.Text.Json.JsonSerializer.Deserialize<T>(attrs.Result.Payloads_[0].Data.ToStringUtf8())!;
    }

    [Fact]
    public async Task RunsChainOnTheScheduleAndCarryTheLastResult()
    {
        var id = Id("cron-chain");
        var queue = Id("q");
        await WithWorkerAsync(new TemporalWorkerOptions(queue).AddWorkflow<CountingCronWorkflow>(), async () =>
        {
            var handle = await Client.StartWorkflowAsync((CountingCronWorkflow wf) => wf.RunAsync(), new(id, queue) { CronSchedule = "@every 2s" });
            var first = await HistoryAsync(handle);
            var started = first[0].WorkflowExecutionStartedEventAttributes;
            Assert.Equal("@every 2s", started.CronSchedule);
            Assert.NotNull(started.FirstWorkflowTaskBackoff); // the first run waits for the next match
            var runs = await EventuallyAsync(() => RunsAsync(id), l => l.Count(r => r.Status == WorkflowExecutionStatus.Completed) >= 2, "two completed runs");
            var done = runs.Where(r => r.Status == WorkflowExecutionStatus.Completed).ToList();
            var results = new List<int>();
            foreach (var r in done.Take(2))
                results.Add(await ResultOfRunAsync<int>(id, r.RunId));
            Assert.Equal(new[] { 1, 2 }, results);
            // The second run is a cron continuation of the first.
            var second = (await Client.GetWorkflowHandle(id, runId: done[1].RunId).FetchHistoryAsync()).Events.First().WorkflowExecutionStartedEventAttributes;
            Assert.Equal(ContinueAsNewInitiator.CronSchedule, second.Initiator);
            Assert.Equal(done[0].RunId, second.ContinuedExecutionRunId);
            var gap = done[1].ExecutionTime!.Value - done[0].ExecutionTime!.Value;
            Assert.InRange(gap.TotalSeconds, 1.5, 6.5);
            await Client.GetWorkflowHandle(id).TerminateAsync("test done");
        });
    }

    [Fact]
    public async Task TerminateEndsTheChain()
    {
        var id = Id("cron-terminate");
        var handle = await Client.StartWorkflowAsync((CountingCronWorkflow wf) => wf.RunAsync(), new(id, Id("q-nobody")) { CronSchedule = "0 0 1 1 *" });
        await handle.TerminateAsync("stop the chain");
        await Task.Delay(500);
        var runs = await RunsAsync(id);
        Assert.Equal(WorkflowExecutionStatus.Terminated, Assert.Single(runs).Status);
    }

    [Fact]
    public async Task RetriesHappenWithinARunAndTheNextRunStartsAtAttemptOne()
    {
        var id = Id("cron-retry");
        var queue = Id("q");
        await WithWorkerAsync(new TemporalWorkerOptions(queue).AddWorkflow<FlakyCronWorkflow>(), async () =>
        {
            await Client.StartWorkflowAsync((FlakyCronWorkflow wf) => wf.RunAsync(), new(id, queue)
            {
                CronSchedule = "@every 2s",
                RetryPolicy = new() { InitialInterval = TimeSpan.FromMilliseconds(200), MaximumAttempts = 3 },
            });
            var runs = await EventuallyAsync(() => RunsAsync(id), l => l.Count(r => r.Status == WorkflowExecutionStatus.Completed) >= 2, "two completed runs");
            var statuses = runs.Take(4).Select(r => r.Status).ToList();
            // failed attempt, retried attempt completes, then the next cron run fails its first attempt and retries too.
            Assert.Equal(new[] { WorkflowExecutionStatus.Failed, WorkflowExecutionStatus.Completed, WorkflowExecutionStatus.Failed, WorkflowExecutionStatus.Completed }, statuses);
            var completed = runs.Where(r => r.Status == WorkflowExecutionStatus.Completed).First();
            Assert.Equal("attempt 2", await ResultOfRunAsync<string>(id, completed.RunId));
            var next = (await Client.GetWorkflowHandle(id, runId: runs[2].RunId).FetchHistoryAsync()).Events.First().WorkflowExecutionStartedEventAttributes;
            Assert.Equal(ContinueAsNewInitiator.CronSchedule, next.Initiator);
            Assert.Equal(1, next.Attempt);
            await Client.GetWorkflowHandle(id).TerminateAsync("test done");
        });
    }

    [Theory]
    [InlineData("61 * * * *")]
    [InlineData("CRON_TZ=Mars/Base 0 * * * *")]
    [InlineData("* * * *")]
    public async Task ABadCronScheduleIsInvalidArgumentNamingIt(string cron)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Client.StartWorkflowAsync((CountingCronWorkflow wf) => wf.RunAsync(),
            new(Id("cron-bad"), "q") { CronSchedule = cron }));
        Assert.Equal(RpcException.StatusCode.InvalidArgument, ex.Code);
        Assert.Contains("CronSchedule", ex.Message);
    }

    [Fact]
    public async Task CronScheduleWithAStartDelayIsInvalidArgument()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Client.StartWorkflowAsync((CountingCronWorkflow wf) => wf.RunAsync(),
            new(Id("cron-delay"), "q") { CronSchedule = "@hourly", StartDelay = TimeSpan.FromSeconds(5) }));
        Assert.Equal(RpcException.StatusCode.InvalidArgument, ex.Code);
    }
}
