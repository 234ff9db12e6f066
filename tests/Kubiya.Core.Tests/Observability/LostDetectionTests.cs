using Kubiya.Core.Health;

namespace Kubiya.Core.Tests.Observability;

/// <summary>A worker is Lost once its last recorded heartbeat is older than three of its intervals.</summary>
[Trait("Category", "Observability")]
public sealed class LostDetectionTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(30, 89, false)]
    [InlineData(30, 91, true)]
    [InlineData(15, 46, true)]
    [InlineData(300, 600, false)]
    public void LostAfterThreeIntervals(double interval, double silentSeconds, bool lost) =>
        Assert.Equal(lost, WorkerHealthReader.IsLost(Now.AddSeconds(-silentSeconds), interval, Now));

    [Fact]
    public void TheRowCarriesTheHeartbeatFields()
    {
        var row = WorkerHealthReader.ToInfo(new WorkerHealth
        {
            Identity = "1@h/abc", Queue = "q", Host = "h", Pid = 1, Version = "0.1.0", RecordedAt = Now.AddSeconds(-100),
            IntervalSeconds = 30, UptimeSeconds = 3600.4, CpuPercent = 12.5, MemoryMb = 512, ActiveTasks = 2, CompletedTasks = 42, FailedTasks = 3,
            AvgDurationSeconds = 3.2,
        }, Now);
        Assert.Equal("Lost", row.State);
        Assert.Equal("Heartbeat", row.Source);
        Assert.Equal((2, 42L, 3L), (row.ActiveSteps!.Value, row.CompletedSteps!.Value, row.FailedSteps!.Value));
        Assert.Equal(TimeSpan.FromSeconds(3600), row.Uptime);
        Assert.Equal(512, row.MemoryMb);
    }

    [Fact]
    public void TheQueryAsksForRunningHealthRecordsOfOneQueue()
    {
        Assert.Equal("WorkflowType = 'KubiyaWorkerHealth' AND ExecutionStatus = 'Running' AND TaskQueue = 'it\\'s'", WorkerHealthReader.Query("it's"));
        Assert.Equal("kubiya-worker-health:q:1@h/x", HealthNames.WorkflowId("q", "1@h/x"));
    }
}
