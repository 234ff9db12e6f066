using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Client.Schedules;
using Temporalio.Worker;

namespace Kubiya.Tests.Conformance.Schedules;

/// <summary>
/// Overlap policies, remaining actions and pause-on-failure. Overlapping starts come from one
/// backfill of three hourly times, so every case is deterministic: the first start runs (no
/// worker polls its queue, so it stays running) and the policy decides what the next two do.
/// </summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class ScheduleOverlapTests(ServerFixture fx) : ScheduleTestBase(fx)
{
    private static readonly DateTime Hour = DateTime.UtcNow.Date.AddDays(-2).AddHours(6);

    private async Task<(ScheduleHandle Handle, ScheduleDescription Description)> BackfillThreeAsync(string id, ScheduleOverlapPolicy policy, string? queue = null)
    {
        var handle = await CreateAsync(id, PausedHourly(WaitAction("wf-" + id, queue ?? Id("q-nobody")), policy));
        await handle.BackfillAsync(new[] { new ScheduleBackfill(Hour, Hour.AddHours(3)) });
        return (handle, await handle.DescribeAsync());
    }

    private string WorkflowIdAt(string id, int hour) => $"wf-{id}-{TimestampSuffix(Hour.AddHours(hour))}";

    private async Task TerminateRunningAsync(ScheduleHandle handle)
    {
        foreach (var w in (await handle.DescribeAsync()).Info.RunningActions)
            await Client.GetWorkflowHandle(w.WorkflowId).TerminateAsync("test done");
    }

    [Fact]
    public async Task SkipRunsTheFirstAndSkipsTheOverlappingOnes()
    {
        var id = Id("overlap-skip");
        var (handle, d) = await BackfillThreeAsync(id, ScheduleOverlapPolicy.Skip);
        Assert.Equal(1, d.Info.NumActions);
        Assert.Equal(2, d.Info.NumActionsSkippedOverlap);
        Assert.Equal(WorkflowIdAt(id, 1), Assert.Single(d.Info.RunningActions).WorkflowId);
        Assert.Equal(0, (await RawAsync(id)).Info.BufferSize);
        await TerminateRunningAsync(handle);
    }

    [Fact]
    public async Task BufferOneKeepsOneStartForWhenTheRunningOneCloses()
    {
        var id = Id("overlap-buffer-one");
        var (handle, d) = await BackfillThreeAsync(id, ScheduleOverlapPolicy.BufferOne);
        Assert.Equal(1, d.Info.NumActions);
        Assert.Equal(1, (await RawAsync(id)).Info.BufferSize);
        Assert.Equal(1, (await RawAsync(id)).Info.BufferDropped);
        await Client.GetWorkflowHandle(WorkflowIdAt(id, 1)).TerminateAsync("let the buffered one run");
        d = await EventuallyDescribedAsync(handle, x => x.Info.NumActions == 2, "the buffered start");
        Assert.Equal(WorkflowIdAt(id, 2), Assert.Single(d.Info.RunningActions).WorkflowId);
        Assert.Equal(0, (await RawAsync(id)).Info.BufferSize);
        await TerminateRunningAsync(handle);
    }

    [Fact]
    public async Task BufferAllRunsEveryStartOneAfterAnother()
    {
        var id = Id("overlap-buffer-all");
        var (handle, d) = await BackfillThreeAsync(id, ScheduleOverlapPolicy.BufferAll);
        Assert.Equal(1, d.Info.NumActions);
        Assert.Equal(2, (await RawAsync(id)).Info.BufferSize);
        for (var h = 1; h <= 3; h++)
        {
            var expected = WorkflowIdAt(id, h);
            d = await EventuallyDescribedAsync(handle, x => x.Info.RunningActions.Any(r => r.WorkflowId == expected), $"start {h} to run");
            Assert.Single(d.Info.RunningActions);
            await Client.GetWorkflowHandle(expected).TerminateAsync("next");
        }
        d = await EventuallyDescribedAsync(handle, x => x.Info.NumActions == 3 && x.Info.RunningActions.Count == 0, "all three done");
        Assert.Equal(0, (await RawAsync(id)).Info.BufferSize);
    }

    [Fact]
    public async Task AllowAllStartsEveryOneAtOnce()
    {
        var id = Id("overlap-allow-all");
        var (handle, d) = await BackfillThreeAsync(id, ScheduleOverlapPolicy.AllowAll);
        Assert.Equal(3, d.Info.NumActions);
        Assert.Equal(3, d.Info.RunningActions.Count);
        Assert.Equal(0, d.Info.NumActionsSkippedOverlap);
        await TerminateRunningAsync(handle);
    }

    [Fact]
    public async Task TerminateOtherEndsTheRunningOneAndStartsTheNew()
    {
        var id = Id("overlap-terminate");
        var (handle, d) = await BackfillThreeAsync(id, ScheduleOverlapPolicy.TerminateOther);
        Assert.Equal(3, d.Info.NumActions);
        Assert.Equal(WorkflowIdAt(id, 3), Assert.Single(d.Info.RunningActions).WorkflowId);
        foreach (var h in new[] { 1, 2 })
            Assert.Equal(WorkflowExecutionStatus.Terminated, (await Client.GetWorkflowHandle(WorkflowIdAt(id, h)).DescribeAsync()).Status);
        await TerminateRunningAsync(handle);
    }

    [Fact]
    public async Task CancelOtherCancelsTheRunningOneAndStartsTheNewAfterItEnds()
    {
        var id = Id("overlap-cancel");
        var queue = Id("q");
        await WithWorkerAsync(new TemporalWorkerOptions(queue).AddWorkflow<WaitForeverWorkflow>(), async () =>
        {
            var handle = await CreateAsync(id, PausedHourly(WaitAction("wf-" + id, queue), ScheduleOverlapPolicy.CancelOther));
            await handle.BackfillAsync(new[] { new ScheduleBackfill(Hour, Hour.AddHours(2)) });
            var d = await EventuallyDescribedAsync(handle, x => x.Info.NumActions == 2, "the second start after the cancel");
            Assert.Equal(WorkflowIdAt(id, 2), Assert.Single(d.Info.RunningActions).WorkflowId);
            Assert.Equal(WorkflowExecutionStatus.Canceled, (await Client.GetWorkflowHandle(WorkflowIdAt(id, 1)).DescribeAsync()).Status);
            await TerminateRunningAsync(handle);
        });
    }

    [Fact]
    public async Task RemainingActionsLimitScheduledActions()
    {
        var id = Id("sched-limited");
        var queue = Id("q");
        await WithWorkerAsync(new TemporalWorkerOptions(queue).AddWorkflow<QuickWorkflow>(), async () =>
        {
            var handle = await CreateAsync(id, new Schedule(QuickAction("wf-" + id, queue), Every(TimeSpan.FromSeconds(1)))
            {
                State = new() { LimitedActions = true, RemainingActions = 2 },
            });
            var d = await EventuallyDescribedAsync(handle, x => x.Info.NumActions == 2, "two actions");
            await Task.Delay(2500);
            d = await handle.DescribeAsync();
            Assert.Equal(2, d.Info.NumActions);
            Assert.Equal(0, d.Schedule.State.RemainingActions);
            Assert.Empty(d.Info.NextActionTimes);
            // An explicit trigger is still allowed.
            await handle.TriggerAsync(new() { Overlap = ScheduleOverlapPolicy.AllowAll });
            Assert.Equal(3, (await handle.DescribeAsync()).Info.NumActions);
        });
    }

    [Fact]
    public async Task PauseOnFailurePausesTheScheduleWithANote()
    {
        var id = Id("sched-pause-on-failure");
        var queue = Id("q");
        await WithWorkerAsync(new TemporalWorkerOptions(queue).AddWorkflow<FailingWorkflow>(), async () =>
        {
            var handle = await CreateAsync(id, new Schedule(
                ScheduleActionStartWorkflow.Create((FailingWorkflow wf) => wf.RunAsync(), new("wf-" + id, queue)), Cron("0 0 1 1 *"))
            {
                Policy = new() { PauseOnFailure = true },
            });
            await handle.TriggerAsync();
            var d = await EventuallyDescribedAsync(handle, x => x.Schedule.State.Paused, "the schedule to pause");
            Assert.Contains("failure", d.Schedule.State.Note, StringComparison.OrdinalIgnoreCase);
            Assert.Contains($"wf-{id}-", d.Schedule.State.Note);
            Assert.Equal(WorkflowExecutionStatus.Failed, (await RawAsync(id)).Info.RecentActions[0].StartWorkflowStatus);
        });
    }
}
