using Temporalio.Api.Enums.V1;
using Kubiya.Tests.Infrastructure;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;
using Temporalio.Client.Schedules;
using Temporalio.Common;
using Temporalio.Exceptions;
using Temporalio.Worker;

namespace Kubiya.Tests.Conformance.Schedules;

/// <summary>Create, describe, fire, trigger, pause, update, list and delete through the SDK's schedule client.</summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class ScheduleLifecycleTests(ServerFixture fx) : ScheduleTestBase(fx)
{
    [Fact]
    public async Task DescribeShowsTheScheduleAndTenNextActionTimes()
    {
        var id = Id("sched-describe");
        var before = DateTime.UtcNow;
        var handle = await CreateAsync(id, new Schedule(QuickAction("wf-" + id, "q-" + id), Every(TimeSpan.FromHours(1)))
        {
            Policy = new() { Overlap = ScheduleOverlapPolicy.BufferOne, CatchupWindow = TimeSpan.FromMinutes(5) },
        });
        var d = await handle.DescribeAsync();
        Assert.Equal(id, d.Id);
        var action = Assert.IsType<ScheduleActionStartWorkflow>(d.Schedule.Action);
        Assert.Equal("QuickWorkflow", action.Workflow);
        Assert.Equal("q-" + id, action.Options.TaskQueue);
        Assert.Equal(ScheduleOverlapPolicy.BufferOne, d.Schedule.Policy.Overlap);
        Assert.Equal(TimeSpan.FromMinutes(5), d.Schedule.Policy.CatchupWindow);
        Assert.Equal(TimeSpan.FromHours(1), Assert.Single(d.Schedule.Spec.Intervals).Every);
        var next = d.Info.NextActionTimes.ToList();
        Assert.Equal(10, next.Count);
        Assert.True(next[0] > before && next[0] <= before.AddHours(1).AddSeconds(1), $"first next action {next[0]:o}");
        Assert.All(next.Zip(next.Skip(1)), p => Assert.Equal(TimeSpan.FromHours(1), p.Second - p.First));
        Assert.All(next, t => Assert.Equal(0, t.Minute * 60 + t.Second)); // epoch-aligned: on the hour
        Assert.Equal(0, d.Info.NumActions);
        Assert.True(d.Info.CreatedAt >= before.AddSeconds(-1));
    }

    [Fact]
    public async Task CronStringsComeBackAsStructuredCalendars()
    {
        var id = Id("sched-canonical");
        var handle = await CreateAsync(id, PausedHourly(QuickAction("wf-" + id, "q")) with { Spec = Cron("30 9 * * MON-FRI") });
        var spec = (await handle.DescribeAsync()).Schedule.Spec;
        Assert.Empty(spec.CronExpressions);
        var cal = Assert.Single(spec.Calendars);
        // Temporal leaves End 0 when it equals Start and Step 0 when it is 1.
        static (int, int, int) Span(ScheduleRange r) => (r.Start, Math.Max(r.Start, r.End), Math.Max(1, r.Step));
        Assert.Equal((9, 9, 1), Span(Assert.Single(cal.Hour)));
        Assert.Equal((30, 30, 1), Span(Assert.Single(cal.Minute)));
        Assert.Equal((1, 5, 1), Span(Assert.Single(cal.DayOfWeek)));
    }

    [Fact]
    public async Task AnIntervalScheduleFiresAndItsWorkflowsCarryTheScheduleAttributes()
    {
        var id = Id("sched-fires");
        var queue = Id("q");
        await WithWorkerAsync(new TemporalWorkerOptions(queue).AddWorkflow<QuickWorkflow>(), async () =>
        {
            var handle = await CreateAsync(id, new Schedule(QuickAction("wf-" + id, queue), Every(TimeSpan.FromSeconds(2))));
            var d = await EventuallyDescribedAsync(handle, x => x.Info.NumActions >= 2 && x.Info.RecentActions.Count >= 2, "two actions", TimeSpan.FromSeconds(30));
            await handle.PauseAsync("test done");
            var recent = d.Info.RecentActions.First();
            var started = Assert.IsType<ScheduleActionExecutionStartWorkflow>(recent.Action);
            // Temporal's id form: the action's workflow id, a dash, the nominal time in RFC3339.
            Assert.Equal($"wf-{id}-{TimestampSuffix(recent.ScheduledAt)}", started.WorkflowId);
            Assert.Equal(0, recent.ScheduledAt.Second % 2);
            var wf = Client.GetWorkflowHandle(started.WorkflowId);
            Assert.Equal("done scheduled", await wf.GetResultAsync<string>());
            var desc = await wf.DescribeAsync();
            Assert.Equal(id, desc.TypedSearchAttributes.Get(SearchAttributeKey.CreateKeyword("TemporalScheduledById")));
            Assert.Equal(recent.ScheduledAt, desc.TypedSearchAttributes.Get(SearchAttributeKey.CreateDateTimeOffset("TemporalScheduledStartTime")).UtcDateTime);
            var listed = await EventuallyAsync(() => StartedByAsync(id), l => l.Count >= 2, "visibility listing by TemporalScheduledById");
            Assert.All(listed, w => Assert.StartsWith($"wf-{id}-", w.Id));
        });
    }

    [Fact]
    public async Task SecondsFieldCronFiresEveryTwoSeconds()
    {
        var id = Id("sched-seconds");
        var queue = Id("q");
        await WithWorkerAsync(new TemporalWorkerOptions(queue).AddWorkflow<QuickWorkflow>(), async () =>
        {
            // Seven fields: second minute hour day-of-month month day-of-week year.
            var handle = await CreateAsync(id, new Schedule(QuickAction("wf-" + id, queue), Cron("*/2 * * * * * *")));
            var d = await EventuallyDescribedAsync(handle, x => x.Info.RecentActions.Count >= 2, "two actions", TimeSpan.FromSeconds(30));
            await handle.DeleteAsync();
            var times = d.Info.RecentActions.Select(a => a.ScheduledAt).ToList();
            Assert.All(times, t => Assert.Equal(0, t.Second % 2));
            Assert.True(times[1] > times[0]);
        });
    }

    [Fact]
    public async Task TriggerStartsAnActionNowEvenWhenPaused()
    {
        var id = Id("sched-trigger");
        var handle = await CreateAsync(id, PausedHourly(WaitAction("wf-" + id, Id("q-nobody"))));
        var before = DateTime.UtcNow.AddSeconds(-1);
        await handle.TriggerAsync();
        var d = await handle.DescribeAsync();
        Assert.Equal(1, d.Info.NumActions);
        var running = Assert.Single(d.Info.RunningActions);
        Assert.StartsWith($"wf-{id}-", running.WorkflowId);
        var recent = Assert.Single(d.Info.RecentActions);
        Assert.True(recent.ScheduledAt >= before.AddSeconds(-1) && recent.ScheduledAt <= DateTime.UtcNow.AddSeconds(1));
        Assert.True(d.Schedule.State.Paused);
        await Client.GetWorkflowHandle(running.WorkflowId).TerminateAsync("test done");
        d = await EventuallyDescribedAsync(handle, x => x.Info.RunningActions.Count == 0, "the running workflow to be gone");
        Assert.Equal(Temporalio.Api.Enums.V1.WorkflowExecutionStatus.Terminated, (await RawAsync(id)).Info.RecentActions[0].StartWorkflowStatus);
    }

    [Fact]
    public async Task PauseAndUnpauseKeepTheirNotesAndAPausedScheduleDoesNotFire()
    {
        var id = Id("sched-pause");
        var handle = await CreateAsync(id, new Schedule(WaitAction("wf-" + id, Id("q-nobody")), Every(TimeSpan.FromSeconds(1)))
        {
            State = new() { Paused = true, Note = "maintenance window" },
        });
        await Task.Delay(2500);
        var d = await handle.DescribeAsync();
        Assert.Equal(0, d.Info.NumActions);
        Assert.True(d.Schedule.State.Paused);
        Assert.Equal("maintenance window", d.Schedule.State.Note);
        await handle.UnpauseAsync("back to work");
        d = await EventuallyDescribedAsync(handle, x => x.Info.NumActions >= 1, "an action after unpause", TimeSpan.FromSeconds(20));
        Assert.False(d.Schedule.State.Paused);
        Assert.Equal("back to work", d.Schedule.State.Note);
        // Nothing from the paused seconds was made up: the first action came after the unpause.
        await handle.PauseAsync("stop again");
        d = await handle.DescribeAsync();
        Assert.True(d.Schedule.State.Paused);
        Assert.Equal("stop again", d.Schedule.State.Note);
        foreach (var w in d.Info.RunningActions) await Client.GetWorkflowHandle(w.WorkflowId).TerminateAsync("test done");
    }

    [Fact]
    public async Task BackfillStartsEveryMatchingTimeInTheRange()
    {
        var id = Id("sched-backfill");
        var handle = await CreateAsync(id, PausedHourly(WaitAction("wf-" + id, Id("q-nobody")), ScheduleOverlapPolicy.AllowAll));
        var hour = DateTime.UtcNow.Date.AddDays(-1).AddHours(10);
        // Exclusive start, inclusive end: 10:00 is out, 11:00, 12:00 and 13:00 are in.
        await handle.BackfillAsync(new[] { new ScheduleBackfill(hour, hour.AddHours(3)) });
        var d = await handle.DescribeAsync();
        Assert.Equal(3, d.Info.NumActions);
        var ids = d.Info.RunningActions.Select(r => r.WorkflowId).OrderBy(x => x).ToList();
        Assert.Equal(new[] { 1, 2, 3 }.Select(h => $"wf-{id}-{TimestampSuffix(hour.AddHours(h))}"), ids);
        foreach (var w in ids) await Client.GetWorkflowHandle(w).TerminateAsync("test done");
    }

    [Fact]
    public async Task UpdateReplacesTheSpecAndAStaleConflictTokenIsRefused()
    {
        var id = Id("sched-update");
        var handle = await CreateAsync(id, PausedHourly(QuickAction("wf-" + id, "q")));
        await handle.UpdateAsync(input => new ScheduleUpdate(input.Description.Schedule with
        {
            Spec = Every(TimeSpan.FromMinutes(10)),
            State = new() { Paused = true, Note = "updated" },
        }));
        var d = await handle.DescribeAsync();
        Assert.Equal(TimeSpan.FromMinutes(10), Assert.Single(d.Schedule.Spec.Intervals).Every);
        Assert.Empty(d.Schedule.Spec.Calendars);
        Assert.Equal("updated", d.Schedule.State.Note);

        var service = Client.Connection.WorkflowService;
        var raw = await service.DescribeScheduleAsync(new DescribeScheduleRequest { Namespace = Fx.Namespace, ScheduleId = id });
        await service.UpdateScheduleAsync(new UpdateScheduleRequest
        {
            Namespace = Fx.Namespace, ScheduleId = id, Schedule = raw.Schedule, ConflictToken = raw.ConflictToken, RequestId = Guid.NewGuid().ToString(),
        });
        var stale = await Assert.ThrowsAsync<RpcException>(() => service.UpdateScheduleAsync(new UpdateScheduleRequest
        {
            Namespace = Fx.Namespace, ScheduleId = id, Schedule = raw.Schedule, ConflictToken = raw.ConflictToken, RequestId = Guid.NewGuid().ToString(),
        }));
        Assert.Equal(RpcException.StatusCode.FailedPrecondition, stale.Code);
        Assert.Contains("conflict token", stale.Message);
    }

    [Fact]
    public async Task ListSchedulesFiltersWithAQuery()
    {
        var prefix = Id("sched-list");
        await CreateAsync(prefix + "-a", PausedHourly(QuickAction("wf-a", "q")));
        await CreateAsync(prefix + "-b", new Schedule(QuickAction("wf-b", "q"), Cron("0 0 1 1 *")));
        async Task<List<ScheduleListDescription>> List(string query)
        {
            var list = new List<ScheduleListDescription>();
            await foreach (var s in Client.ListSchedulesAsync(new ScheduleListOptions { Query = query })) list.Add(s);
            return list;
        }
        var all = await List($"ScheduleId STARTS_WITH '{prefix}'");
        Assert.Equal(new[] { prefix + "-a", prefix + "-b" }, all.Select(s => s.Id).OrderBy(x => x));
        var paused = Assert.Single(await List($"ScheduleId STARTS_WITH '{prefix}' AND TemporalSchedulePaused = true"));
        Assert.Equal(prefix + "-a", paused.Id);
        Assert.True(paused.Schedule.State.Paused);
        Assert.Equal("created paused by the test", paused.Schedule.State.Note);
        var active = Assert.Single(await List($"ScheduleId STARTS_WITH '{prefix}' AND TemporalSchedulePaused = false"));
        Assert.Equal("QuickWorkflow", Assert.IsType<ScheduleListActionStartWorkflow>(active.Schedule.Action).Workflow);
        Assert.NotEmpty(active.Info.NextActionTimes);
        var bad = await Assert.ThrowsAsync<RpcException>(() => List("ScheduleId = "));
        Assert.Equal(RpcException.StatusCode.InvalidArgument, bad.Code);
    }

    [Fact]
    public async Task CreatingAnExistingScheduleFailsAndDeleteRemovesIt()
    {
        var id = Id("sched-delete");
        var handle = await CreateAsync(id, PausedHourly(QuickAction("wf-" + id, "q")));
        await Assert.ThrowsAsync<ScheduleAlreadyRunningException>(() => CreateAsync(id, PausedHourly(QuickAction("wf-" + id, "q"))));
        await handle.DeleteAsync();
        var gone = await Assert.ThrowsAsync<RpcException>(() => handle.DescribeAsync());
        Assert.Equal(RpcException.StatusCode.NotFound, gone.Code);
        var again = await Assert.ThrowsAsync<RpcException>(() => handle.DeleteAsync());
        Assert.Equal(RpcException.StatusCode.NotFound, again.Code);
    }
}
