using Kubiya.Core.Configuration;
using Kubiya.Core.Workers;

namespace Kubiya.Core.Tests.Daemon;

/// <summary>The local record of stopped workers that corrects the server's lagging poller list.</summary>
[Trait("Category", "Daemon")]
public sealed class StoppedWorkersTests : IDisposable
{
    private readonly KubiyaPaths paths = new(Directory.CreateTempSubdirectory("kubiya-home-").FullName);

    public void Dispose()
    {
        try { Directory.Delete(paths.Home, true); } catch (IOException) { }
    }

    private static WorkerInfo Poller(string identity, DateTimeOffset? seen = null) =>
        new() { QueueId = "q", Identity = identity, Source = "Server", State = "Polling", LastAccessTime = seen ?? DateTimeOffset.UtcNow };

    [Fact]
    public void ARecordedIdentityIsMarkedStoppedAndOthersStayPolling()
    {
        var self = $"{Environment.ProcessId}@host-a/abc123";
        StoppedWorkers.Record(paths, "q", "123@elsewhere/aaaaaa", DateTimeOffset.UtcNow);
        var marked = StoppedWorkers.Mark(new[] { Poller("123@elsewhere/aaaaaa"), Poller("456@elsewhere/bbbbbb"), Poller(self) }, paths, "host-a");
        Assert.Equal(new[] { "Stopped", "Polling", "Polling" }, marked.Select(p => p.State));
    }

    [Fact]
    public void RecordsOlderThanTheRetentionAreIgnored()
    {
        StoppedWorkers.Record(paths, "q", "1@h/old", DateTimeOffset.UtcNow - StoppedWorkers.Retention - TimeSpan.FromMinutes(1));
        StoppedWorkers.Record(paths, "q", "2@h/new", DateTimeOffset.UtcNow);
        Assert.Equal(new[] { "2@h/new" }, StoppedWorkers.Read(paths, DateTimeOffset.UtcNow).Keys);
    }

    [Fact]
    public void APollerOfThisHostWhoseProcessIsGoneHasStopped()
    {
        using var gone = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false })!;
        gone.WaitForExit();
        Assert.True(StoppedWorkers.ProcessGone(Poller($"{gone.Id}@host-a/dead00"), "host-a"));
        Assert.False(StoppedWorkers.ProcessGone(Poller($"{Environment.ProcessId}@host-a/live00"), "host-a"));
        // Another host's worker cannot be probed from here: it stays as the server says.
        Assert.False(StoppedWorkers.ProcessGone(Poller($"{gone.Id}@host-b/dead00"), "host-a"));
        Assert.False(StoppedWorkers.ProcessGone(Poller("not-an-identity"), "host-a"));
    }

    [Fact]
    public void ALivePidThatStartedAfterThePollerWasLastSeenIsAReusedPid()
    {
        var seenLongBefore = DateTimeOffset.UtcNow.AddDays(-3);
        Assert.True(StoppedWorkers.ProcessGone(Poller($"{Environment.ProcessId}@host-a/reused", seenLongBefore), "host-a"));
    }

    [Fact]
    public void ManyRecordsAreCompactedWithoutLosingRecentOnes()
    {
        for (var i = 0; i < 600; i++) StoppedWorkers.Record(paths, "q", $"{i}@h/{i:D6}", DateTimeOffset.UtcNow - (i < 500 ? TimeSpan.FromHours(2) : TimeSpan.Zero));
        var kept = StoppedWorkers.Read(paths, DateTimeOffset.UtcNow);
        Assert.Equal(100, kept.Count);
        Assert.True(File.ReadAllLines(StoppedWorkers.FileOf(paths)).Length < 600, "the file was never compacted");
    }
}
