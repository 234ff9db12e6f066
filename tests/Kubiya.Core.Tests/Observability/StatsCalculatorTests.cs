using Kubiya.Core.Analytics;
using Kubiya.Core.Errors;

namespace Kubiya.Core.Tests.Observability;

/// <summary>Execution analytics on known data.</summary>
[Trait("Category", "Observability")]
public sealed class StatsCalculatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T1 = T0.AddHours(10);

    private static ExecutionSample S(string status, string agent, string queue, double created, double? waited, double? ran) => new()
    {
        Status = status, Agent = agent, Queue = queue, CreatedAt = T0.AddSeconds(created),
        StartedAt = waited is { } w ? T0.AddSeconds(created + w) : null,
        ClosedAt = waited is { } w2 && ran is { } r ? T0.AddSeconds(created + w2 + r) : null,
    };

    // 10 runs: durations 1..10 s, waits 0.5 s each except one pending; 7 completed, 2 failed, 1 cancelled, plus one open.
    private static List<ExecutionSample> Known() => new()
    {
        S("Completed", "deploy", "q1", 0, 0.5, 1), S("Completed", "deploy", "q1", 10, 0.5, 2), S("Completed", "deploy", "q1", 20, 0.5, 3),
        S("Completed", "test", "q2", 30, 0.5, 4), S("Completed", "test", "q2", 40, 0.5, 5), S("Completed", "test", "q2", 50, 0.5, 6),
        S("Completed", "test", "q2", 60, 0.5, 7), S("Failed", "deploy", "q1", 70, 0.5, 8), S("Failed", "test", "q2", 80, 0.5, 9),
        S("Cancelled", "test", "q2", 90, 0.5, 10), S("Pending", "test", "q2", 100, null, null),
    };

    [Fact]
    public void CountsRatesAndThroughput()
    {
        var m = StatsCalculator.Compute(Known(), T0, T1, StatsGrouping.None, null).Single();
        Assert.Equal((11L, 7L, 2L, 1L, 1L), (m.Total, m.Completed, m.Failed, m.Cancelled, m.Open));
        Assert.Equal(70.0, m.SuccessRate);
        Assert.Equal(1.0, m.ThroughputPerHour);   // 10 finished in 10 hours
        Assert.Equal(24.0, m.ThroughputPerDay);
        Assert.Equal("*", m.Key);
        Assert.Null(m.WorkerUtilisation);
    }

    [Fact]
    public void DurationsAndPercentiles()
    {
        var m = StatsCalculator.Compute(Known(), T0, T1, StatsGrouping.None, null).Single();
        Assert.Equal(TimeSpan.FromSeconds(5.5), m.DurationAvg);
        Assert.Equal(TimeSpan.FromSeconds(1), m.DurationMin);
        Assert.Equal(TimeSpan.FromSeconds(10), m.DurationMax);
        Assert.Equal(TimeSpan.FromSeconds(5), m.DurationP50);   // nearest rank: 5th of 10
        Assert.Equal(TimeSpan.FromSeconds(10), m.DurationP95);  // 10th of 10
        Assert.Equal(TimeSpan.FromSeconds(0.5), m.QueueWaitAvg);
        Assert.Equal(TimeSpan.FromSeconds(0.5), m.QueueWaitP95);
    }

    [Fact]
    public void UtilisationIsBusyTimeOverSlotsTimesWindow()
    {
        // 54.5 busy seconds (the last run, 90.5–100.5 s, is cut at the window end) over 2 slots × 100 s.
        var samples = Known().Take(10).ToList();
        var m = StatsCalculator.Compute(samples, T0, T0.AddSeconds(100), StatsGrouping.None, 2).Single();
        Assert.Equal(2, m.Slots);
        Assert.Equal(27.25, m.WorkerUtilisation);
        // Only the part of a run inside the window counts: the window ends at 5 s into the first run.
        var cut = StatsCalculator.Compute(new[] { S("Completed", "a", "q", 0, 0, 10) }, T0, T0.AddSeconds(5), StatsGrouping.None, 1).Single();
        Assert.Equal(100.0, cut.WorkerUtilisation);
    }

    [Fact]
    public void GroupsByAgentQueueAndStatus()
    {
        var byAgent = StatsCalculator.Compute(Known(), T0, T1, StatsGrouping.Agent, null);
        Assert.Equal(new[] { "test", "deploy" }, byAgent.Select(r => r.Key));
        Assert.Equal((7L, 4L, 1L), (byAgent[0].Total, byAgent[0].Completed, byAgent[0].Failed));
        Assert.Equal(75.0, byAgent[1].SuccessRate);
        var byQueue = StatsCalculator.Compute(Known(), T0, T1, StatsGrouping.Queue, null);
        Assert.Equal(new[] { ("q2", 7L), ("q1", 4L) }, byQueue.Select(r => (r.Key, r.Total)));
        var byStatus = StatsCalculator.Compute(Known(), T0, T1, StatsGrouping.Status, null);
        Assert.Equal(new[] { ("Completed", 7L), ("Failed", 2L), ("Cancelled", 1L), ("Pending", 1L) }, byStatus.Select(r => (r.Key, r.Total)));
        Assert.All(byStatus, r => Assert.Equal("Status", r.GroupBy));
    }

    [Fact]
    public void AnEmptyWindowHasNoRatesButNoErrors()
    {
        var m = StatsCalculator.Compute(Array.Empty<ExecutionSample>(), T0, T1, StatsGrouping.None, 4).Single();
        Assert.Equal(0, m.Total);
        Assert.Null(m.SuccessRate);
        Assert.Null(m.DurationP95);
        Assert.Equal(0.0, m.WorkerUtilisation);
    }

    [Theory]
    [InlineData("24h", 24 * 3600)]
    [InlineData("90m", 90 * 60)]
    [InlineData("7d", 7 * 86400)]
    [InlineData("2w", 14 * 86400)]
    [InlineData("30s", 30)]
    public void SinceAcceptsAges(string text, double seconds) =>
        Assert.Equal(T1.AddSeconds(-seconds), SinceText.Parse(text, T1));

    [Theory]
    [InlineData("yesterday")]
    [InlineData("0h")]
    [InlineData("-1d")]
    [InlineData("2099-01-01")]
    public void SinceRefusesWhatIsNotAPastStart(string text)
    {
        var ex = Assert.Throws<KubiyaException>(() => SinceText.Parse(text, T1));
        Assert.Equal("InvalidSince", ex.ErrorId);
        Assert.Contains("24h", ex.Message);
    }
}
