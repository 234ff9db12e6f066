using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;
using Temporalio.Exceptions;
using Temporalio.Worker;
using static Kubiya.Tests.Visibility.VisibilityKit;

namespace Kubiya.Tests.Visibility;

/// <summary>Execution statuses as workflows really end, memo and children in describe, and the legacy listings.</summary>
[Collection(VisibilityCollection.Name)]
[Trait("Category", "Visibility")]
public sealed class StatusAndDescribeTests(ServerFixture fx)
{
    private readonly string q = ServerFixture.Unique("vis-status");

    private TemporalWorker Worker() => new(fx.Client, new TemporalWorkerOptions(q)
        .AddWorkflow<OutcomeWorkflow>().AddWorkflow<ParentWorkflow>());

    private Task<WorkflowHandle<OutcomeWorkflow, string>> StartAsync(string id, string how) =>
        fx.Client.StartWorkflowAsync((OutcomeWorkflow wf) => wf.RunAsync(how), new(id, q));

    [Fact]
    public async Task EveryStatusIsQueryableByName()
    {
        using var worker = Worker();
        await worker.ExecuteAsync(async () =>
        {
            var completed = await StartAsync(q + "-completed", "complete");
            var failed = await StartAsync(q + "-failed", "fail");
            var canceled = await StartAsync(q + "-canceled", "wait");
            var terminated = await StartAsync(q + "-terminated", "wait");
            await StartAsync(q + "-running", "wait");
            Assert.Equal("done", await completed.GetResultAsync());
            await Assert.ThrowsAsync<WorkflowFailedException>(() => failed.GetResultAsync());
            await canceled.CancelAsync();
            await Assert.ThrowsAsync<WorkflowFailedException>(() => canceled.GetResultAsync());
            await terminated.TerminateAsync("stop");

            foreach (var status in new[] { "Completed", "Failed", "Canceled", "Terminated", "Running" })
                Assert.Equal(new[] { $"{q}-{status.ToLowerInvariant()}" }, await IdsAsync(fx, q, $"ExecutionStatus = '{status}'"));
            Assert.Equal(new[] { q + "-completed", q + "-running" },
                await IdsAsync(fx, q, "ExecutionStatus IN ('Completed', 'Running')"));
            var listed = (await ListAsync(fx, $"WorkflowId = '{q}-failed'")).Single();
            Assert.Equal(WorkflowExecutionStatus.Failed, listed.Status);
            Assert.NotNull(listed.CloseTime);
        });
    }

    [Fact]
    public async Task MemoIsReturnedByListAndDescribe()
    {
        var handle = await StartIdleAsync(fx, q + "-memo", q, memo: new Dictionary<string, object>
        {
            ["prompt"] = "restart the web tier",
            ["attempt"] = 3,
        });
        var listed = (await ListAsync(fx, $"WorkflowId = '{q}-memo'")).Single();
        var described = await handle.DescribeAsync();
        foreach (var memo in new[] { listed.Memo, described.Memo })
        {
            Assert.Equal("restart the web tier", await memo["prompt"].ToValueAsync<string>());
            Assert.Equal(3, await memo["attempt"].ToValueAsync<int>());
        }
    }

    [Fact]
    public async Task DescribeListsPendingChildrenAndListShowsTheParent()
    {
        using var worker = Worker();
        await worker.ExecuteAsync(async () =>
        {
            var childId = q + "-child";
            var parent = await fx.Client.StartWorkflowAsync((ParentWorkflow wf) => wf.RunAsync(childId), new(q + "-parent", q));
            var deadline = DateTime.UtcNow.AddSeconds(30);
            // The SDK's description does not expose children; the raw DescribeWorkflowExecution does.
            DescribeWorkflowExecutionResponse described;
            do
            {
                described = await fx.Client.Connection.WorkflowService.DescribeWorkflowExecutionAsync(new()
                {
                    Namespace = fx.Namespace,
                    Execution = new() { WorkflowId = parent.Id },
                });
                if (described.PendingChildren.Count > 0) break;
                await Task.Delay(50);
            }
            while (DateTime.UtcNow < deadline);

            var child = Assert.Single(described.PendingChildren);
            Assert.Equal(childId, child.WorkflowId);
            Assert.Equal("VisOutcome", child.WorkflowTypeName);
            Assert.Equal(new[] { childId }, await IdsAsync(fx, q, $"ParentWorkflowId = '{q}-parent'"));
            var listedChild = (await ListAsync(fx, $"WorkflowId = '{childId}'")).Single();
            Assert.Equal(q + "-parent", listedChild.ParentId);
            Assert.Equal(parent.ResultRunId, listedChild.ParentRunId);
            await parent.TerminateAsync("done");
        });
    }

    [Fact]
    public async Task LegacyListingsAndScanFilterByStatusTypeAndQuery()
    {
        await StartIdleAsync(fx, q + "-open", q, "VisLegacy");
        var closed = await StartIdleAsync(fx, q + "-closed", q, "VisLegacy");
        await closed.TerminateAsync("done");
        var service = fx.Client.Connection.WorkflowService;

        var open = await service.ListOpenWorkflowExecutionsAsync(new ListOpenWorkflowExecutionsRequest
        {
            Namespace = fx.Namespace,
            MaximumPageSize = 100,
            ExecutionFilter = new() { WorkflowId = q + "-open" },
        });
        Assert.Equal(q + "-open", Assert.Single(open.Executions).Execution.WorkflowId);

        var closedList = await service.ListClosedWorkflowExecutionsAsync(new ListClosedWorkflowExecutionsRequest
        {
            Namespace = fx.Namespace,
            MaximumPageSize = 100,
            StatusFilter = new() { Status = WorkflowExecutionStatus.Terminated },
            StartTimeFilter = new() { EarliestTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow.AddMinutes(-5)) },
        });
        Assert.Contains(closedList.Executions, e => e.Execution.WorkflowId == q + "-closed");
        Assert.DoesNotContain(closedList.Executions, e => e.Execution.WorkflowId == q + "-open");

        var scanned = await service.ScanWorkflowExecutionsAsync(new ScanWorkflowExecutionsRequest
        {
            Namespace = fx.Namespace,
            Query = $"TaskQueue = '{q}' AND WorkflowType = 'VisLegacy'",
        });
        Assert.Equal(new[] { q + "-closed", q + "-open" }, scanned.Executions.Select(e => e.Execution.WorkflowId).OrderBy(x => x));
    }
}
