using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Exceptions;
using Temporalio.Worker;
using static Kubiya.Tests.Visibility.VisibilityKit;

namespace Kubiya.Tests.Visibility;

/// <summary>Workflow updates through ExecuteUpdateAsync and update-with-start, against a real worker.</summary>
[Collection(VisibilityCollection.Name)]
[Trait("Category", "Visibility")]
public sealed class WorkflowUpdateTests(ServerFixture fx)
{
    private readonly string q = ServerFixture.Unique("vis-upd");

    private async Task RunAsync(Func<Task> test)
    {
        using var worker = new TemporalWorker(fx.Client, new TemporalWorkerOptions(q).AddWorkflow<UpdatableWorkflow>());
        await worker.ExecuteAsync(test);
    }

    private Task<WorkflowHandle<UpdatableWorkflow, int>> StartAsync(string suffix) =>
        fx.Client.StartWorkflowAsync((UpdatableWorkflow wf) => wf.RunAsync(), new($"{q}-{suffix}", q));

    private static async Task<List<EventType>> EventTypesAsync(WorkflowHandle handle)
    {
        var types = new List<EventType>();
        await foreach (var ev in handle.FetchHistoryEventsAsync()) types.Add(ev.EventType);
        return types;
    }

    [Fact]
    public async Task AcceptedUpdateReturnsItsResultAndIsRecorded() => await RunAsync(async () =>
    {
        var handle = await StartAsync("ok");
        Assert.Equal(1, await handle.ExecuteUpdateAsync(wf => wf.AddItemAsync("first")));
        Assert.Equal(2, await handle.ExecuteUpdateAsync(wf => wf.AddItemAsync("slow second")));
        await handle.ExecuteUpdateAsync(wf => wf.FinishAsync());
        Assert.Equal(2, await handle.GetResultAsync());

        var events = await EventTypesAsync(handle);
        Assert.Equal(3, events.Count(t => t == EventType.WorkflowExecutionUpdateAccepted));
        Assert.Equal(3, events.Count(t => t == EventType.WorkflowExecutionUpdateCompleted));
    });

    [Fact]
    public async Task ValidatorRejectionReachesTheCallerAndWritesNoUpdateEvents() => await RunAsync(async () =>
    {
        var handle = await StartAsync("reject");
        var ex = await Assert.ThrowsAsync<WorkflowUpdateFailedException>(() => handle.ExecuteUpdateAsync(wf => wf.AddItemAsync(" ")));
        var cause = Assert.IsType<ApplicationFailureException>(ex.InnerException);
        Assert.Contains("item must not be empty", cause.Message);
        Assert.DoesNotContain(EventType.WorkflowExecutionUpdateAccepted, await EventTypesAsync(handle));

        // The workflow is unharmed and takes the next valid update.
        Assert.Equal(1, await handle.ExecuteUpdateAsync(wf => wf.AddItemAsync("valid")));
        Assert.Equal(WorkflowExecutionStatus.Running, (await handle.DescribeAsync()).Status);
    });

    [Fact]
    public async Task HandlerFailureIsAcceptedThenCompletedWithTheFailure() => await RunAsync(async () =>
    {
        var handle = await StartAsync("fail");
        var ex = await Assert.ThrowsAsync<WorkflowUpdateFailedException>(() => handle.ExecuteUpdateAsync(wf => wf.FailAsync()));
        Assert.Contains("update handler failed on purpose", ex.InnerException!.Message);
        var events = await EventTypesAsync(handle);
        Assert.Contains(EventType.WorkflowExecutionUpdateAccepted, events);
        Assert.Contains(EventType.WorkflowExecutionUpdateCompleted, events);
    });

    [Fact]
    public async Task ConcurrentUpdatesAllComplete() => await RunAsync(async () =>
    {
        var handle = await StartAsync("many");
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            handle.ExecuteUpdateAsync(wf => wf.AddItemAsync(i % 2 == 0 ? $"slow-{i}" : $"item-{i}"))));
        Assert.Equal(Enumerable.Range(1, 6), results.OrderBy(x => x));
        await handle.ExecuteUpdateAsync(wf => wf.FinishAsync());
        Assert.Equal(6, await handle.GetResultAsync());
    });

    [Fact]
    public async Task StartUpdateWaitsForAcceptanceAndTheResultFollows() => await RunAsync(async () =>
    {
        var handle = await StartAsync("accepted");
        var update = await handle.StartUpdateAsync(wf => wf.AddItemAsync("slow one"), new(WorkflowUpdateStage.Accepted));
        Assert.Equal(1, await update.GetResultAsync());
        var again = fx.Client.GetWorkflowHandle(handle.Id).GetUpdateHandle<int>(update.Id);
        Assert.Equal(1, await again.GetResultAsync());
    });

    [Fact]
    public async Task UpsertedAttributeIsQueryableAsSoonAsTheUpdateReturns() => await RunAsync(async () =>
    {
        await RegisterAsync(fx);
        var handle = await StartAsync("upsert");
        await handle.ExecuteUpdateAsync(wf => wf.SetTeamAsync("oncall"));
        Assert.Equal(new[] { q + "-upsert" }, await IdsAsync(fx, q, "KubiyaTeam = 'oncall'"));
        Assert.Equal("oncall", (await handle.DescribeAsync()).TypedSearchAttributes.Get(Team));
    });

    [Fact]
    public async Task UpdateWithStartStartsOnceAndThenUsesTheRunningWorkflow() => await RunAsync(async () =>
    {
        var id = q + "-uws";
        WithStartWorkflowOperation<WorkflowHandle<UpdatableWorkflow, int>> StartOp() =>
            WithStartWorkflowOperation.Create((UpdatableWorkflow wf) => wf.RunAsync(),
                new(id, q) { IdConflictPolicy = WorkflowIdConflictPolicy.UseExisting });

        var first = StartOp();
        Assert.Equal(1, await fx.Client.ExecuteUpdateWithStartWorkflowAsync((UpdatableWorkflow wf) => wf.AddItemAsync("a"), new(first)));
        var second = StartOp();
        Assert.Equal(2, await fx.Client.ExecuteUpdateWithStartWorkflowAsync((UpdatableWorkflow wf) => wf.AddItemAsync("b"), new(second)));
        Assert.Equal((await first.GetHandleAsync()).ResultRunId, (await second.GetHandleAsync()).ResultRunId);
        Assert.Equal(1, await fx.Client.CountWorkflowsAsync($"WorkflowId = '{id}'").ContinueWith(t => t.Result.Count));
    });

    [Fact]
    public async Task UpdateOfAClosedWorkflowFails() => await RunAsync(async () =>
    {
        var handle = await StartAsync("closed");
        await handle.TerminateAsync("done");
        var ex = await Assert.ThrowsAsync<RpcException>(() => handle.ExecuteUpdateAsync(wf => wf.AddItemAsync("late")));
        Assert.Equal(RpcException.StatusCode.NotFound, ex.Code);
        Assert.Contains("completed", ex.Message);
    });
}
