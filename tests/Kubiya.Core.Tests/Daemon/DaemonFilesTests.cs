using System.Diagnostics;
using Kubiya.Core.Configuration;
using Kubiya.Core.Errors;
using Kubiya.Core.Logging;
using Kubiya.Core.Workers;

namespace Kubiya.Core.Tests.Daemon;

/// <summary>The daemon's files: log rotation, backoff, published facts, stale pid detection, clean.</summary>
[Trait("Category", "Daemon")]
public sealed class DaemonFilesTests : IDisposable
{
    private readonly string home = Directory.CreateTempSubdirectory("kubiya-home-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(home, true); } catch (IOException) { }
    }

    [Fact]
    public void LogRotatesBySizeAndKeepsOnlyTheConfiguredBackups()
    {
        var path = Path.Combine(home, "logs", "worker.log");
        using (var log = new RotatingFileWriter(path, maxBytes: 1024, maxBackups: 2))
        {
            for (var i = 0; i < 100; i++) log.WriteLine($"line {i:D3} " + new string('x', 90));
        }
        Assert.True(File.Exists(path));
        Assert.True(File.Exists(path + ".1"));
        Assert.True(File.Exists(path + ".2"));
        Assert.False(File.Exists(path + ".3"));
        foreach (var f in new[] { path, path + ".1", path + ".2" })
            Assert.InRange(new FileInfo(f).Length, 1, 1024);
        // The newest line is in the current file, older ones in the backups, in order.
        Assert.EndsWith("line 099 " + new string('x', 90), File.ReadAllLines(path).Last());
        var backupLast = int.Parse(File.ReadAllLines(path + ".1").Last().Substring(5, 3));
        var currentFirst = int.Parse(File.ReadAllLines(path).First().Substring(5, 3));
        Assert.Equal(currentFirst - 1, backupLast);
    }

    [Fact]
    public void LogRejectsNonsenseLimits()
    {
        var path = Path.Combine(home, "x.log");
        Assert.Throws<ArgumentOutOfRangeException>(() => new RotatingFileWriter(path, maxBytes: 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RotatingFileWriter(path, maxBackups: -1));
    }

    [Fact]
    public void BackoffDoublesUpToTheCeilingAndResetsAfterAStableRun()
    {
        var b = new RestartBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30));
        var quick = TimeSpan.FromSeconds(1);
        Assert.Equal(new[] { 1.0, 2, 4, 5, 5 }, Enumerable.Range(0, 5).Select(_ => b.NextDelay(quick).TotalSeconds));
        Assert.Equal(1.0, b.NextDelay(TimeSpan.FromMinutes(5)).TotalSeconds);
        Assert.Equal(2.0, b.NextDelay(quick).TotalSeconds);
    }

    [Fact]
    public void DaemonInfoRoundTripsThroughItsTextFile()
    {
        var paths = new WorkerPaths("q1", home);
        var info = new DaemonInfo
        {
            Pid = 1234, ProcessStartUtc = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), QueueId = "q1",
            StartedUtc = new DateTime(2026, 1, 2, 3, 4, 6, DateTimeKind.Utc), Restarts = 3, Version = "1.2.3",
            LogPath = paths.LogFile, WorkerPid = 99, State = "restarting", LastExitCode = 137,
        };
        info.Write(paths.InfoFile);
        var text = File.ReadAllText(paths.InfoFile);
        Assert.Contains("restarts: 3", text);
        Assert.Contains("queue: q1", text);
        var back = DaemonInfo.TryRead(paths.InfoFile)!;
        Assert.Equal(1234, back.Pid);
        Assert.Equal(info.ProcessStartUtc, back.ProcessStartUtc);
        Assert.Equal(3, back.Restarts);
        Assert.Equal(137, back.LastExitCode);
        Assert.Equal("restarting", back.State);
    }

    [Fact]
    public async Task APidFileOfADeadProcessIsReportedStaleAndStopRemovesIt()
    {
        var paths = new WorkerPaths("stale", home);
        using var p = Process.Start(new ProcessStartInfo("sh", "-c true") { UseShellExecute = false })!;
        await p.WaitForExitAsync();
        Directory.CreateDirectory(paths.Directory);
        File.WriteAllText(paths.PidFile, p.Id.ToString());
        var status = DaemonStatusReader.Read(paths);
        Assert.Equal(DaemonState.Stopped, status.State);
        Assert.True(status.StalePidFile);
        Assert.False(await DaemonControl.StopAsync(paths, TimeSpan.FromSeconds(5)));
        Assert.False(File.Exists(paths.PidFile));
    }

    [Fact]
    public void AReusedPidWithADifferentStartTimeIsStale()
    {
        var paths = new WorkerPaths("reused", home);
        using var me = Process.GetCurrentProcess();
        new DaemonInfo { Pid = me.Id, ProcessStartUtc = me.StartTime.ToUniversalTime().AddHours(-3), QueueId = "reused", State = "running" }.Write(paths.InfoFile);
        File.WriteAllText(paths.PidFile, me.Id.ToString());
        Assert.True(DaemonStatusReader.Read(paths).StalePidFile);
    }

    [Fact]
    public void CleanRefusesARunningDaemonAndRemovesAStoppedOne()
    {
        var paths = new WorkerPaths("busy", home);
        using var me = Process.GetCurrentProcess();
        new DaemonInfo { Pid = me.Id, ProcessStartUtc = me.StartTime.ToUniversalTime(), QueueId = "busy", State = "running" }.Write(paths.InfoFile);
        File.WriteAllText(paths.PidFile, me.Id.ToString());
        Assert.Equal(DaemonState.Running, DaemonStatusReader.Read(paths).State);
        var ex = Assert.Throws<KubiyaException>(() => DaemonControl.Clean(paths));
        Assert.Equal(KubiyaErrorKind.InvalidState, ex.Kind);
        Assert.Contains("stop it before cleaning", ex.Message);
        Assert.True(Directory.Exists(paths.Directory));
        File.Delete(paths.PidFile);
        Assert.True(DaemonControl.Clean(paths));
        Assert.False(Directory.Exists(paths.Directory));
        Assert.False(DaemonControl.Clean(paths));
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    public void QueueIdsThatCouldEscapeTheWorkersFolderAreRefused(string bad) =>
        Assert.Equal("InvalidQueueId", Assert.Throws<KubiyaException>(() => new WorkerPaths(bad, home)).ErrorId);

    [Fact]
    public void WorkerPathsAgreeWithKubiyaPaths()
    {
        var kubiya = new KubiyaPaths(home);
        var paths = new WorkerPaths("agree", kubiya);
        Assert.Equal(kubiya.WorkerDirectory("agree"), paths.Directory);
        Assert.Equal(kubiya.WorkerLogFile("agree"), paths.LogFile);
        Assert.Equal(new WorkerPaths("agree", home).LogFile, paths.LogFile);
    }

    [Fact]
    public void QuotedArgumentsSplitBackIntoTheSameList()
    {
        var args = new[] { "plain", "with space", "quote\"inside", "trailing\\", "" };
        var psi = new ProcessStartInfo("printf", "%s\\n " + CommandLine.Quote(args)) { RedirectStandardOutput = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var lines = p.StandardOutput.ReadToEnd().Split('\n');
        p.WaitForExit();
        Assert.Equal(args, lines.Take(args.Length));
    }
}
