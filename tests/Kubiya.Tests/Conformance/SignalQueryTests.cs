using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Exceptions;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance;

/// <summary>Signals, signal-with-start, workflow-to-workflow signals and queries.</summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class SignalQueryTests(ServerFixture fx) : ConformanceTest(fx)
{
    /// <summary>Collects signalled items until it has the expected number, then returns them.</summary>
    [Workflow]
    public sealed class CollectorWorkflow
    {
        private readonly List<string> items = new();

        [WorkflowRun]
        public async Task<List<string>> RunAsync(int expected)
        {
            await Workflow.WaitConditionAsync(() => items.Count >= expected);
            return items;
        }

        [WorkflowSignal]
        public Task AddAsync(string item)
        {
            items.Add(item);
            return Task.CompletedTask;
        }

        [WorkflowQuery]
        public List<string> Items => items;

        [WorkflowQuery]
        public string Describe(string prefix) => $"{prefix}:{items.Count}";
    }

    /// <summary>Signals another workflow by id, then completes.</summary>
    [Workflow]
    public sealed class SenderWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(string targetId)
        {
            await Workflow.GetExternalWorkflowHandle<CollectorWorkflow>(targetId).SignalAsync(wf => wf.AddAsync("from " + Workflow.Info.WorkflowId));
            return "sent";
        }
    }

    /// <summary>Signals a workflow id and reports whether the signal was delivered.</summary>
    [Workflow]
    public sealed class TrySignalWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(string targetId)
        {
            try
            {
                await Workflow.GetExternalWorkflowHandle(targetId).SignalAsync("AddAsync", new object?[] { "hello" });
                return "delivered";
            }
            catch (Exception e)
            {
                return "failed: " + e.GetType().Name;
            }
        }
    }

    private static TemporalWorkerOptions Options(string queue) =>
        new TemporalWorkerOptions(queue).AddWorkflow<CollectorWorkflow>().AddWorkflow<SenderWorkflow>().AddWorkflow<TrySignalWorkflow>();

    [Fact]
    public async Task SignalsAreDeliveredInOrderAndQueriesSeeTheState()
    {
        var queue = Id("signals");
        var (result, queried, described) = await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((CollectorWorkflow wf) => wf.RunAsync(3), new(Id("collector"), queue));
            await h.SignalAsync(wf => wf.AddAsync("a"));
            await h.SignalAsync(wf => wf.AddAsync("b"));
            var q = await EventuallyAsync(() => h.QueryAsync(wf => wf.Items), items => items.Count == 2, "both signals to be visible to a query");
            var d = await h.QueryAsync(wf => wf.Describe("count"));
            await h.SignalAsync(wf => wf.AddAsync("c"));
            return (await h.GetResultAsync(), q, d);
        });
        Assert.Equal(new[] { "a", "b", "c" }, result);
        Assert.Equal(new[] { "a", "b" }, queried);
        Assert.Equal("count:2", described);
    }

    [Fact]
    public async Task SignalsSentBeforeAnyWorkerPollsAreKeptInOrder()
    {
        var queue = Id("signals");
        var h = await Client.StartWorkflowAsync((CollectorWorkflow wf) => wf.RunAsync(3), new(Id("collector"), queue));
        foreach (var item in new[] { "x", "y", "z" }) await h.SignalAsync(wf => wf.AddAsync(item));
        var result = await WithWorkerAsync(Options(queue), () => h.GetResultAsync());
        Assert.Equal(new[] { "x", "y", "z" }, result);
    }

    [Fact]
    public async Task QueryOfAnUnknownTypeFailsWithQueryFailed()
    {
        var queue = Id("query");
        await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((CollectorWorkflow wf) => wf.RunAsync(1), new(Id("collector"), queue));
            var ex = await Assert.ThrowsAsync<WorkflowQueryFailedException>(() => h.QueryAsync<string>("NoSuchQuery", Array.Empty<object?>()));
            Assert.Contains("NoSuchQuery", ex.Message);
            await h.SignalAsync(wf => wf.AddAsync("done"));
            await h.GetResultAsync();
        });
    }

    [Fact]
    public async Task QueryOnACompletedWorkflowAnswersFromItsFinalState()
    {
        var queue = Id("query");
        var items = await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((CollectorWorkflow wf) => wf.RunAsync(1), new(Id("collector"), queue));
            await h.SignalAsync(wf => wf.AddAsync("only"));
            await h.GetResultAsync();
            return await h.QueryAsync(wf => wf.Items);
        });
        Assert.Equal(new[] { "only" }, items);
    }

    [Fact]
    public async Task QueryWithRejectConditionNotOpenIsRejectedOnACompletedWorkflow()
    {
        var queue = Id("query");
        var ex = await WithWorkerAsync(Options(queue), async () =>
        {
            var h = await Client.StartWorkflowAsync((CollectorWorkflow wf) => wf.RunAsync(1), new(Id("collector"), queue));
            await h.SignalAsync(wf => wf.AddAsync("only"));
            await h.GetResultAsync();
            return await Assert.ThrowsAsync<WorkflowQueryRejectedException>(() =>
                h.QueryAsync(wf => wf.Items, new() { RejectCondition = QueryRejectCondition.NotOpen }));
        });
        Assert.Equal(WorkflowExecutionStatus.Completed, ex.WorkflowStatus);
    }

    [Fact]
    public async Task SignalWithStartStartsOnceThenSignalsTheRunningRun()
    {
        var queue = Id("sws");
        var id = Id("collector");
        var (result, firstRun, secondRun) = await WithWorkerAsync(Options(queue), async () =>
        {
            var opts = new WorkflowOptions(id, queue);
            opts.SignalWithStart((CollectorWorkflow wf) => wf.AddAsync("first"));
            var h1 = await Client.StartWorkflowAsync((CollectorWorkflow wf) => wf.RunAsync(2), opts);
            var opts2 = new WorkflowOptions(id, queue);
            opts2.SignalWithStart((CollectorWorkflow wf) => wf.AddAsync("second"));
            var h2 = await Client.StartWorkflowAsync((CollectorWorkflow wf) => wf.RunAsync(2), opts2);
            return (await h1.GetResultAsync(), h1.ResultRunId, h2.ResultRunId);
        });
        Assert.Equal(new[] { "first", "second" }, result);
        Assert.Equal(firstRun, secondRun);
    }

    [Fact]
    public async Task WorkflowSignalsAnotherWorkflow()
    {
        var queue = Id("external");
        var targetId = Id("target");
        var senderId = Id("sender");
        var (result, sent) = await WithWorkerAsync(Options(queue), async () =>
        {
            var target = await Client.StartWorkflowAsync((CollectorWorkflow wf) => wf.RunAsync(1), new(targetId, queue));
            var s = await Client.ExecuteWorkflowAsync((SenderWorkflow wf) => wf.RunAsync(targetId), new(senderId, queue));
            return (await target.GetResultAsync(), s);
        });
        Assert.Equal("sent", sent);
        Assert.Equal(new[] { "from " + senderId }, result);
        var senderEvents = EventTypes(await HistoryAsync(Client.GetWorkflowHandle(senderId)));
        Assert.Contains(EventType.SignalExternalWorkflowExecutionInitiated, senderEvents);
        Assert.Contains(EventType.ExternalWorkflowExecutionSignaled, senderEvents);
    }

    [Fact]
    public async Task WorkflowSignallingAMissingWorkflowGetsAFailure()
    {
        var queue = Id("external");
        var id = Id("sender");
        var result = await WithWorkerAsync(Options(queue), () =>
            Client.ExecuteWorkflowAsync((TrySignalWorkflow wf) => wf.RunAsync(ServerFixture.Unique("nobody")), new(id, queue)));
        Assert.StartsWith("failed: ", result);
        Assert.Contains(EventType.SignalExternalWorkflowExecutionFailed, EventTypes(await HistoryAsync(Client.GetWorkflowHandle(id))));
    }

    [Fact]
    public async Task WorkflowCannotSignalItselfThroughAnExternalHandle()
    {
        var queue = Id("external");
        var id = Id("self");
        var result = await WithWorkerAsync(Options(queue), () =>
            Client.ExecuteWorkflowAsync((TrySignalWorkflow wf) => wf.RunAsync(id), new(id, queue)));
        Assert.StartsWith("failed: ", result);
        var types = EventTypes(await HistoryAsync(Client.GetWorkflowHandle(id)));
        Assert.Contains(EventType.SignalExternalWorkflowExecutionFailed, types);
        Assert.DoesNotContain(EventType.WorkflowExecutionSignaled, types);
    }

    [Fact]
    public async Task SignalWithStartAfterCompletionStartsANewRun()
    {
        var queue = Id("sws");
        var id = Id("collector");
        var (first, second, secondResult) = await WithWorkerAsync(Options(queue), async () =>
        {
            var h1 = await Client.StartWorkflowAsync((CollectorWorkflow wf) => wf.RunAsync(0), new(id, queue));
            await h1.GetResultAsync();
            var opts = new WorkflowOptions(id, queue);
            opts.SignalWithStart((CollectorWorkflow wf) => wf.AddAsync("late"));
            var h2 = await Client.StartWorkflowAsync((CollectorWorkflow wf) => wf.RunAsync(1), opts);
            return (h1.ResultRunId, h2.ResultRunId, await h2.GetResultAsync());
        });
        Assert.NotEqual(first, second);
        Assert.Equal(new[] { "late" }, secondResult);
    }

    [Fact]
    public async Task RetriedSignalWithTheSameRequestIdIsRecordedOnce()
    {
        var queue = Id("signals");
        var h = await Client.StartWorkflowAsync((CollectorWorkflow wf) => wf.RunAsync(2), new(Id("collector"), queue));
        // A client retrying after a lost response resends the identical request.
        var request = new Temporalio.Api.WorkflowService.V1.SignalWorkflowExecutionRequest
        {
            Namespace = Fx.Namespace,
            WorkflowExecution = new() { WorkflowId = h.Id },
            SignalName = "Add",
            Input = new(),
            RequestId = Guid.NewGuid().ToString(),
            Identity = "conformance",
        };
        request.Input.Payloads_.Add(Temporalio.Converters.DataConverter.Default.PayloadConverter.ToPayload("once"));
        await Client.Connection.WorkflowService.SignalWorkflowExecutionAsync(request);
        await Client.Connection.WorkflowService.SignalWorkflowExecutionAsync(request);
        await h.SignalAsync(wf => wf.AddAsync("then another"));
        var result = await WithWorkerAsync(Options(queue), () => h.GetResultAsync());
        Assert.Equal(new[] { "once", "then another" }, result);
        Assert.Equal(2, (await HistoryAsync(h)).Count(e => e.EventType == EventType.WorkflowExecutionSignaled));
    }

    [Fact]
    public async Task SignalToACompletedWorkflowIsNotFound()
    {
        var queue = Id("signals");
        var h = await WithWorkerAsync(Options(queue), async () =>
        {
            var handle = await Client.StartWorkflowAsync((CollectorWorkflow wf) => wf.RunAsync(0), new(Id("collector"), queue));
            await handle.GetResultAsync();
            return handle;
        });
        var ex = await Assert.ThrowsAsync<RpcException>(() => h.SignalAsync(wf => wf.AddAsync("late")));
        Assert.Equal(RpcException.StatusCode.NotFound, ex.Code);
    }
}
