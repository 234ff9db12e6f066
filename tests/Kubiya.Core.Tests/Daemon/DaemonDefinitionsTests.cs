using Kubiya.Core.Errors;
using Kubiya.Core.Logging;
using Kubiya.Core.Workers;

namespace Kubiya.Core.Tests.Daemon;

/// <summary>Daemon options, the supervisor command line, service definitions and following a rotating log.</summary>
[Trait("Category", "Daemon")]
public sealed class DaemonDefinitionsTests : IDisposable
{
    private readonly string home = Directory.CreateTempSubdirectory("kubiya-home-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(home, true); } catch (IOException) { }
    }

    [Fact]
    public void DaemonOptionsRejectLimitsThatCannotWork()
    {
        Assert.Equal("InvalidDaemonOption", Assert.Throws<KubiyaException>(() => new DaemonOptions { MaxLogBytes = 100 }.Validate()).ErrorId);
        Assert.Throws<KubiyaException>(() => new DaemonOptions { MaxLogBackups = -1 }.Validate());
        Assert.Throws<KubiyaException>(() => new DaemonOptions { InitialBackoff = TimeSpan.Zero }.Validate());
        Assert.Throws<KubiyaException>(() => new DaemonOptions { InitialBackoff = TimeSpan.FromSeconds(10), MaxBackoff = TimeSpan.FromSeconds(5) }.Validate());
    }

    [Fact]
    public void TheSupervisorCommandCarriesTheQueueAndEveryOption()
    {
        var cli = new CommandLine("/usr/bin/dotnet", new[] { "/opt/kubiya/kubiya.dll" });
        var options = new DaemonOptions { MaxLogBytes = 4096, MaxLogBackups = 2, InitialBackoff = TimeSpan.FromSeconds(1.5), DrainTimeout = TimeSpan.FromSeconds(30) };
        var command = KubiyaCli.Supervisor(cli, "build", options);
        Assert.Equal("/usr/bin/dotnet", command.FileName);
        Assert.Equal(
            new[] { "/opt/kubiya/kubiya.dll", "worker", "supervise", "--queue-id", "build", "--max-log-size", "4096", "--max-log-backups", "2",
                "--restart-delay", "1.5", "--max-restart-delay", "60", "--stable-after", "60", "--drain-timeout", "30" },
            command.Arguments);
        Assert.Throws<KubiyaException>(() => KubiyaCli.Supervisor(cli, "../etc", options));
    }

    [Fact]
    public void TheCliIsFoundBesideTheRuntimeOrInACliFolder()
    {
        Assert.Null(KubiyaCli.Locate(home));
        var module = Path.Combine(home, "Kubiya");
        Directory.CreateDirectory(Path.Combine(module, "Dependencies"));
        Directory.CreateDirectory(Path.Combine(module, "Cli"));
        File.WriteAllText(Path.Combine(module, "Cli", KubiyaCli.AssemblyFileName), "");
        Assert.Equal(Path.Combine(module, "Cli", KubiyaCli.AssemblyFileName), KubiyaCli.Locate(Path.Combine(module, "Dependencies")));
    }

    [Fact]
    public void TheSystemdUnitRunsTheForegroundWorkerAndQuotesWhatItMust()
    {
        var command = new CommandLine("/usr/bin/dotnet", new[] { "/opt/my kubiya/kubiya.dll", "worker", "start", "--queue-id", "build" });
        var unit = WorkerServiceDefinitions.SystemdUnit("build", command,
            new[] { new KeyValuePair<string, string>("KUBIYA_HOME", "/home/a b/.kubiya"), new KeyValuePair<string, string>("X", "100%\"q\"") },
            "/srv/work", TimeSpan.FromSeconds(60), systemWide: false);
        Assert.Contains("ExecStart=\"/usr/bin/dotnet\" \"/opt/my kubiya/kubiya.dll\" \"worker\" \"start\" \"--queue-id\" \"build\"\n", unit);
        Assert.Contains("Environment=\"KUBIYA_HOME=/home/a b/.kubiya\"\n", unit);
        Assert.Contains("Environment=\"X=100%%\\\"q\\\"\"\n", unit);
        Assert.Contains("KillSignal=SIGTERM\n", unit);
        Assert.Contains("TimeoutStopSec=75\n", unit);
        Assert.Contains("Restart=on-failure\n", unit);
        Assert.Contains("WantedBy=default.target\n", unit);
        Assert.Contains("WantedBy=multi-user.target", WorkerServiceDefinitions.SystemdUnit("b", command, Array.Empty<KeyValuePair<string, string>>(), "/", TimeSpan.Zero, true));
        Assert.Equal("kubiya-worker-build", WorkerServiceDefinitions.Name("build"));
    }

    [Fact]
    public void OnlyUnitsThisModuleWroteAreRecognisedForRemoval()
    {
        var command = new CommandLine("/usr/bin/dotnet", new[] { "/opt/kubiya/kubiya.dll", "worker", "start", "--queue-id", "build" });
        var ours = WorkerServiceDefinitions.SystemdUnit("build", command, Array.Empty<KeyValuePair<string, string>>(), "/srv", TimeSpan.FromSeconds(5), false);
        Assert.True(WorkerServiceDefinitions.IsWorkerUnit(ours));
        Assert.True(WorkerServiceDefinitions.IsWorkerUnit(ours.Replace("\n", "\r\n")));
        Assert.False(WorkerServiceDefinitions.IsWorkerUnit("[Unit]\nDescription=nginx\n[Service]\nExecStart=/usr/sbin/nginx\n"));
        // The description alone is not enough: a hand-made unit that only borrows it is not ours.
        Assert.False(WorkerServiceDefinitions.IsWorkerUnit("[Unit]\nDescription=Kubiya worker for queue x\n[Service]\nExecStart=/bin/true\n"));
    }

    [Fact]
    public void EnablementLinksAreFoundEvenWhenTheUnitIsAlreadyGone()
    {
        var dir = Directory.CreateDirectory(Path.Combine(home, "units")).FullName;
        var wants = Directory.CreateDirectory(Path.Combine(dir, "default.target.wants")).FullName;
        var requires = Directory.CreateDirectory(Path.Combine(dir, "multi-user.target.requires")).FullName;
        Directory.CreateDirectory(Path.Combine(dir, "other.d"));
        File.CreateSymbolicLink(Path.Combine(wants, "kubiya-worker-a.service"), Path.Combine(dir, "kubiya-worker-a.service"));
        File.CreateSymbolicLink(Path.Combine(requires, "kubiya-worker-a.service"), Path.Combine(dir, "kubiya-worker-a.service"));
        File.WriteAllText(Path.Combine(dir, "other.d", "kubiya-worker-a.service"), "");
        File.WriteAllText(Path.Combine(wants, "kubiya-worker-b.service"), "");
        var links = WorkerServiceDefinitions.EnablementLinks(dir, "kubiya-worker-a.service").OrderBy(l => l).ToList();
        Assert.Equal(new[] { Path.Combine(wants, "kubiya-worker-a.service"), Path.Combine(requires, "kubiya-worker-a.service") }.OrderBy(l => l), links);
        Assert.Empty(WorkerServiceDefinitions.EnablementLinks(Path.Combine(home, "nowhere"), "x.service"));
    }

    [Fact]
    public void UserUnitsGoUnderTheXdgConfigFolder()
    {
        Assert.Equal("/etc/systemd/system", WorkerServiceDefinitions.SystemdUnitDirectory(true, "/x", "/home/u"));
        Assert.Equal("/x/systemd/user", WorkerServiceDefinitions.SystemdUnitDirectory(false, "/x", "/home/u"));
        Assert.Equal("/home/u/.config/systemd/user", WorkerServiceDefinitions.SystemdUnitDirectory(false, null, "/home/u"));
    }

    [Fact]
    public void TheScheduledTaskImportsTheModuleAndWaits()
    {
        var args = WorkerServiceDefinitions.ScheduledTaskArguments(@"C:\Program Files\Kubiya\Kubiya.psd1", "it's");
        Assert.Equal("-NoProfile -NonInteractive -ExecutionPolicy Bypass -Command \"Import-Module 'C:\\Program Files\\Kubiya\\Kubiya.psd1'; Start-KubiyaWorker -QueueId 'it''s' -Wait\"", args);
    }

    [Fact]
    public async Task FollowingTheLogContinuesAcrossARotation()
    {
        var path = Path.Combine(home, "logs", "worker.log");
        var seen = new List<string>();
        using var log = new RotatingFileWriter(path, maxBytes: 2048, maxBackups: 3);
        log.WriteLine("before-follow");
        var existing = LogFileTail.ReadLast(path, null, out var end);
        Assert.Equal(new[] { "before-follow" }, existing);
        using var cts = new CancellationTokenSource();
        var follow = LogFileTail.FollowAsync(path, end, l => { lock (seen) seen.Add(l); }, cts.Token);
        for (var i = 0; i < 30; i++)
        {
            log.WriteLine($"line {i:D2} " + new string('y', 100));
            await Task.Delay(i % 5 == 0 ? 300 : 10);
        }
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline) { lock (seen) if (seen.Count >= 30) break; await Task.Delay(100); }
        cts.Cancel();
        await follow;
        Assert.True(File.Exists(path + ".1"), "the log rotated while it was followed");
        lock (seen) Assert.Equal(Enumerable.Range(0, 30).Select(i => $"line {i:D2} " + new string('y', 100)), seen);
    }
}
