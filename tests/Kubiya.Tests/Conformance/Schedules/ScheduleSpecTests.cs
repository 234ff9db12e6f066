using Google.Protobuf.WellKnownTypes;
using Kubiya.Tests.Infrastructure;
using Temporalio.Exceptions;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client.Schedules;

namespace Kubiya.Tests.Conformance.Schedules;

/// <summary>
/// Spec semantics through ListScheduleMatchingTimes: time zones and DST, CRON_TZ, intervals with
/// phase, exclusions, start/end bounds, jitter, and bad specs refused with InvalidArgument
/// naming the field. UTC cron results are checked against Cronos as an independent oracle.
/// </summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class ScheduleSpecTests(ServerFixture fx) : ScheduleTestBase(fx)
{
    private async Task<List<DateTime>> MatchingAsync(ScheduleSpec spec, DateTime fromUtc, DateTime toUtc)
    {
        var id = Id("spec");
        await CreateAsync(id, new Schedule(QuickAction("wf-" + id, "q"), spec) { State = new() { Paused = true } });
        var resp = await Client.Connection.WorkflowService.ListScheduleMatchingTimesAsync(new ListScheduleMatchingTimesRequest
        {
            Namespace = Fx.Namespace,
            ScheduleId = id,
            StartTime = Timestamp.FromDateTime(DateTime.SpecifyKind(fromUtc, DateTimeKind.Utc)),
            EndTime = Timestamp.FromDateTime(DateTime.SpecifyKind(toUtc, DateTimeKind.Utc)),
        });
        return resp.StartTime.Select(t => t.ToDateTime()).ToList();
    }

    private static DateTime Utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) => new(y, mo, d, h, mi, s, DateTimeKind.Utc);

    [Fact]
    public async Task ALocalTimeSkippedBySpringForwardDoesNotFire()
    {
        // New York moves from 02:00 EST to 03:00 EDT on 8 March 2026: 02:30 does not exist that day.
        var times = await MatchingAsync(Cron("30 2 * * *", "America/New_York"), Utc(2026, 3, 7), Utc(2026, 3, 10));
        Assert.Equal(new[] { Utc(2026, 3, 7, 7, 30), Utc(2026, 3, 9, 6, 30) }, times);
    }

    [Fact]
    public async Task ALocalTimeRepeatedByFallBackFiresInBothCopies()
    {
        // New York repeats 01:00-02:00 on 1 November 2026 (EDT, then EST).
        var times = await MatchingAsync(Cron("30 1 * * *", "America/New_York"), Utc(2026, 10, 31, 12), Utc(2026, 11, 2, 12));
        Assert.Equal(new[] { Utc(2026, 11, 1, 5, 30), Utc(2026, 11, 1, 6, 30), Utc(2026, 11, 2, 6, 30) }, times);
    }

    [Fact]
    public async Task HourlyAcrossSpringForwardStaysOneHourApart()
    {
        var times = await MatchingAsync(Cron("0 * * * *", "America/New_York"), Utc(2026, 3, 8, 4, 30), Utc(2026, 3, 8, 9, 30));
        Assert.Equal(Enumerable.Range(5, 5).Select(h => Utc(2026, 3, 8, h)), times);
    }

    [Fact]
    public async Task CronTzPrefixSetsTheZoneAndFollowsItsOffsets()
    {
        var id = Id("spec-crontz");
        var handle = await CreateAsync(id, new Schedule(QuickAction("wf-" + id, "q"), Cron("CRON_TZ=Europe/Berlin 0 9 * * *")) { State = new() { Paused = true } });
        Assert.Equal("Europe/Berlin", (await handle.DescribeAsync()).Schedule.Spec.TimeZoneName);
        // 09:00 in Berlin is 08:00 UTC in winter and 07:00 UTC in summer (DST from 29 March 2026).
        var times = await MatchingAsync(Cron("CRON_TZ=Europe/Berlin 0 9 * * *"), Utc(2026, 3, 27), Utc(2026, 3, 31));
        Assert.Equal(new[] { Utc(2026, 3, 27, 8), Utc(2026, 3, 28, 8), Utc(2026, 3, 29, 7), Utc(2026, 3, 30, 7) }, times);
    }

    [Fact]
    public async Task IntervalsCountFromTheEpochShiftedByThePhase()
    {
        var times = await MatchingAsync(Every(TimeSpan.FromHours(1), TimeSpan.FromMinutes(15)), Utc(2026, 1, 1, 0), Utc(2026, 1, 1, 3));
        Assert.Equal(new[] { Utc(2026, 1, 1, 0, 15), Utc(2026, 1, 1, 1, 15), Utc(2026, 1, 1, 2, 15) }, times);
    }

    [Fact]
    public async Task ExclusionsAndStartEndBoundsRemoveTimes()
    {
        var spec = Cron("0 * * * *") with
        {
            Skip = new List<ScheduleCalendarSpec> { new() { Hour = new List<ScheduleRange> { new(3) }, Minute = new List<ScheduleRange> { new(0) } } },
            StartAt = Utc(2026, 2, 1, 1),
            EndAt = Utc(2026, 2, 1, 5),
        };
        var times = await MatchingAsync(spec, Utc(2026, 2, 1), Utc(2026, 2, 1, 8));
        Assert.Equal(new[] { Utc(2026, 2, 1, 1), Utc(2026, 2, 1, 2), Utc(2026, 2, 1, 4), Utc(2026, 2, 1, 5) }, times);
    }

    [Fact]
    public async Task JitterDelaysWithinItsBoundAndIsStable()
    {
        var id = Id("spec-jitter");
        await CreateAsync(id, new Schedule(QuickAction("wf-" + id, "q"), Cron("0 * * * *") with { Jitter = TimeSpan.FromMinutes(30) }) { State = new() { Paused = true } });
        async Task<List<DateTime>> Times() => (await Client.Connection.WorkflowService.ListScheduleMatchingTimesAsync(new ListScheduleMatchingTimesRequest
        {
            Namespace = Fx.Namespace, ScheduleId = id,
            StartTime = Timestamp.FromDateTime(Utc(2026, 5, 1)), EndTime = Timestamp.FromDateTime(Utc(2026, 5, 2)),
        })).StartTime.Select(t => t.ToDateTime()).ToList();
        var first = await Times();
        Assert.InRange(first.Count, 23, 24);
        Assert.All(first, t => Assert.InRange(t.Minute * 60 + t.Second, 0, 30 * 60 - 1));
        Assert.Contains(first, t => t.Minute != 0); // some jitter was applied
        Assert.Equal(first, await Times());
    }

    [Fact]
    public async Task UtcCronTimesAgreeWithCronos()
    {
        const string cron = "*/7 3-5 * * MON,FRI";
        var from = Utc(2026, 6, 1);
        var to = Utc(2026, 6, 15);
        var ours = await MatchingAsync(Cron(cron), from, to);
        var oracle = Cronos.CronExpression.Parse(cron).GetOccurrences(from, to, fromInclusive: false, toInclusive: true).ToList();
        Assert.NotEmpty(oracle);
        Assert.Equal(oracle, ours);
    }

    [Theory]
    [InlineData("61 * * * *", "minute")]
    [InlineData("0 25 * * *", "hour")]
    [InlineData("0 0 * * * * * *", "fields")]
    [InlineData("0 0 * FOO *", "month")]
    public async Task BadCronStringsAreInvalidArgumentNamingTheField(string cron, string field)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => CreateAsync(Id("bad-cron"), new Schedule(QuickAction("wf", "q"), Cron(cron))));
        Assert.Equal(RpcException.StatusCode.InvalidArgument, ex.Code);
        Assert.Contains(field, ex.Message);
        Assert.Contains("cron_string", ex.Message);
    }

    [Fact]
    public async Task AnUnknownTimeZoneIsInvalidArgumentNamingTheField()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => CreateAsync(Id("bad-zone"), new Schedule(QuickAction("wf", "q"), Cron("0 9 * * *", "Mars/Olympus_Mons"))));
        Assert.Equal(RpcException.StatusCode.InvalidArgument, ex.Code);
        Assert.Contains("timezone_name", ex.Message);
        Assert.Contains("Mars/Olympus_Mons", ex.Message);
    }

    [Fact]
    public async Task AnEndBeforeTheStartIsInvalidArgument()
    {
        var spec = Cron("0 9 * * *") with { StartAt = Utc(2026, 5, 2), EndAt = Utc(2026, 5, 1) };
        var ex = await Assert.ThrowsAsync<RpcException>(() => CreateAsync(Id("bad-range"), new Schedule(QuickAction("wf", "q"), spec)));
        Assert.Equal(RpcException.StatusCode.InvalidArgument, ex.Code);
        Assert.Contains("end_time", ex.Message);
    }

    [Fact]
    public async Task ATooShortIntervalIsInvalidArgument()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => CreateAsync(Id("bad-interval"), new Schedule(QuickAction("wf", "q"), Every(TimeSpan.FromMilliseconds(500)))));
        Assert.Equal(RpcException.StatusCode.InvalidArgument, ex.Code);
        Assert.Contains("interval", ex.Message);
    }
}
