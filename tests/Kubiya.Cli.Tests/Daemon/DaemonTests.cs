using System.Diagnostics;
using System.Text.Json;
using Kubiya.Cli.Tests.Infrastructure;
using Kubiya.Core.Workers;

namespace Kubiya.Cli.Tests.Daemon;

/// <summary>kubiya worker start -d and friends: a supervised worker that outlives the command that started it.</summary>
[Collection(DaemonCollection.Name)]
[Trait("Category", "Daemon")]
public sealed class DaemonTests(DaemonFixture fx)
{
    private Task<CliResult> Cli(params string[] args) => fx.Env.RunAsync(args);

    private async Task<JsonElement> StartDaemonAsync(string queue, params string[] extra)
    {
        var r = (await Cli(new[] { "worker", "start", "--queue-id", queue, "-d", "-o", "json" }.Concat(extra).ToArray())).Exit(0);
        return r.Json;
    }

    private async Task StopQuietlyAsync(string queue) => await Cli("worker", "stop", "--queue-id", queue);

    [Fact]
    public async Task ADaemonRunsExecutionsPublishesItsFilesAndStops()
    {
        var q = CliFixture.Unique("d");
        var paths = fx.Paths(q);
        try
        {
            var started = await StartDaemonAsync(q);
            Assert.Equal("running", started.GetProperty("state").GetString());
            var pid = started.GetProperty("pid").GetInt32();
            Assert.Equal(pid.ToString(), File.ReadAllText(paths.PidFile).Trim());
            var info = File.ReadAllText(paths.InfoFile);
            foreach (var key in new[] { $"pid: {pid}", $"queue: {q}", "started: ", "restarts: 0", "version: 0.1.0", $"log: {paths.LogFile}" })
                Assert.Contains(key, info);
            // It outlived the command that started it and serves its queue.
            var exec = (await Cli("exec", "agent", "shell", "echo via-daemon", "--queue", q, "-o", "json")).Exit(0).Json;
            Assert.Contains("via-daemon", exec.GetProperty("output").GetString());
            var status = (await Cli("worker", "status", "--queue-id", q)).Exit(0);
            Assert.Contains($"running (daemon pid {pid}, worker pid", status.Stdout);
            var list = (await Cli("worker", "list", "-o", "json")).Exit(0).Json;
            Assert.Contains(list.EnumerateArray(), w => w.GetProperty("queueId").GetString() == q && w.GetProperty("state").GetString() == "running");
            Assert.Contains("[DaemonAlreadyRunning]", (await Cli("worker", "start", "--queue-id", q, "-d")).Exit(1).Stderr);
            (await Cli("worker", "stop", "--queue-id", q)).Exit(0);
            Assert.False(File.Exists(paths.PidFile));
            Assert.False(DaemonFixture.IsKubiya(pid));
            var after = (await Cli("worker", "status", "--queue-id", q, "-o", "json")).Exit(1).Json;
            Assert.Equal("stopped", after.GetProperty("state").GetString());
            Assert.False(after.GetProperty("stalePidFile").GetBoolean());
            Assert.Contains("is not running", (await Cli("worker", "stop", "--queue-id", q)).Exit(0).Stdout);
        }
        finally
        {
            await StopQuietlyAsync(q);
        }
    }

    [Fact]
    public async Task AWorkerKilledWithSigkillIsRestartedBySupervisor()
    {
        var q = CliFixture.Unique("kill");
        var paths = fx.Paths(q);
        try
        {
            // A long first restart delay keeps the "restarting" state visible to a status call.
            await StartDaemonAsync(q, "--restart-delay", "8");
            await DaemonFixture.WaitUntilAsync(() => File.Exists(paths.LogFile) && File.ReadAllText(paths.LogFile).Contains("polling queue"), "the worker polls");
            var firstWorker = DaemonInfo.TryRead(paths.InfoFile)!.WorkerPid;
            Assert.True(DaemonFixture.IsKubiya(firstWorker));
            using (var kill = Process.Start("kill", new[] { "-9", firstWorker.ToString() })!) kill.WaitForExit();
            await DaemonFixture.WaitUntilAsync(() => DaemonInfo.TryRead(paths.InfoFile)?.State == "restarting", "the supervisor notices the death");
            var restarting = (await Cli("worker", "status", "--queue-id", q, "-o", "json")).Exit(0).Json;
            Assert.Equal("restarting", restarting.GetProperty("state").GetString());
            Assert.Equal(137, restarting.GetProperty("lastExitCode").GetInt32());
            Assert.Equal(1, restarting.GetProperty("restarts").GetInt32());
            Assert.Contains("restarting: the worker died", (await Cli("worker", "status", "--queue-id", q)).Exit(0).Stdout);
            await DaemonFixture.WaitUntilAsync(() => DaemonInfo.TryRead(paths.InfoFile) is { State: "running", WorkerPid: > 0 } i && i.WorkerPid != firstWorker,
                "a new worker runs", TimeSpan.FromSeconds(60));
            var exec = (await Cli("exec", "agent", "shell", "echo after-restart", "--queue", q, "-o", "json")).Exit(0).Json;
            Assert.Contains("after-restart", exec.GetProperty("output").GetString());
            Assert.Contains("worker exited with code 137; restart 1", File.ReadAllText(paths.LogFile));
        }
        finally
        {
            await StopQuietlyAsync(q);
        }
    }

    [Fact]
    public async Task TheLogRotatesAtTheSizeLimitAndKeepsTheConfiguredBackups()
    {
        var q = CliFixture.Unique("rot");
        var paths = fx.Paths(q);
        const int limit = 2048;
        var long_ = new string('x', 700);
        fx.WriteAgent(q, "name: " + q + "\nsteps:\n" + string.Concat(Enumerable.Range(1, 8).Select(i => $"  - name: s{i}\n    shell: echo {i}-{long_}\n")));
        try
        {
            await StartDaemonAsync(q, "--max-log-size", limit.ToString(), "--max-log-backups", "2");
            for (var i = 0; i < 4 && !File.Exists(paths.LogFile + ".2"); i++)
                (await Cli("exec", "agent", q, "go", "--queue", q)).Exit(0);
            Assert.True(File.Exists(paths.LogFile + ".1"));
            Assert.True(File.Exists(paths.LogFile + ".2"));
            Assert.False(File.Exists(paths.LogFile + ".3"), "only two backups are kept");
            foreach (var f in new[] { paths.LogFile, paths.LogFile + ".1", paths.LogFile + ".2" })
                Assert.InRange(new FileInfo(f).Length, 1, limit);
            var tail = (await Cli("worker", "logs", "--queue-id", q, "--tail", "2")).Exit(0).Stdout.Trim().Split('\n');
            Assert.Equal(2, tail.Length);
            Assert.Equal(File.ReadAllLines(paths.LogFile).TakeLast(2), tail);
        }
        finally
        {
            await StopQuietlyAsync(q);
        }
    }

    [Fact]
    public async Task AStalePidFileIsDetectedAndStopRemovesIt()
    {
        var q = CliFixture.Unique("stale");
        var paths = fx.Paths(q);
        using var dead = Process.Start(new ProcessStartInfo("sh", "-c true") { UseShellExecute = false })!;
        await dead.WaitForExitAsync();
        Directory.CreateDirectory(paths.Directory);
        new DaemonInfo { Pid = dead.Id, QueueId = q, State = "running", StartedUtc = DateTime.UtcNow, LogPath = paths.LogFile, Version = "0.1.0" }.Write(paths.InfoFile);
        File.WriteAllText(paths.PidFile, dead.Id.ToString());
        var status = (await Cli("worker", "status", "--queue-id", q, "-o", "json")).Exit(1).Json;
        Assert.Equal("stopped", status.GetProperty("state").GetString());
        Assert.True(status.GetProperty("stalePidFile").GetBoolean());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("pid").ValueKind);
        Assert.Contains("stale pid file", (await Cli("worker", "status", "--queue-id", q)).Exit(1).Stdout);
        Assert.Contains("removed a stale pid file", (await Cli("worker", "stop", "--queue-id", q)).Exit(0).Stdout);
        Assert.False(File.Exists(paths.PidFile));
    }

    [Fact]
    public async Task ASupervisorKilledWithSigkillLeavesAStalePidFileAndItsWorkerStopsItself()
    {
        var q = CliFixture.Unique("orphan");
        var paths = fx.Paths(q);
        try
        {
            var pid = (await StartDaemonAsync(q)).GetProperty("pid").GetInt32();
            await DaemonFixture.WaitUntilAsync(() => DaemonInfo.TryRead(paths.InfoFile)?.WorkerPid > 0, "the worker starts");
            var worker = DaemonInfo.TryRead(paths.InfoFile)!.WorkerPid;
            using (var kill = Process.Start("kill", new[] { "-9", pid.ToString() })!) kill.WaitForExit();
            await DaemonFixture.WaitUntilAsync(() => DaemonStatusReader.Read(paths).StalePidFile, "the pid file turns stale");
            var status = (await Cli("worker", "status", "--queue-id", q, "-o", "json")).Exit(1).Json;
            Assert.True(status.GetProperty("stalePidFile").GetBoolean());
            // No worker is left running unsupervised.
            await DaemonFixture.WaitUntilAsync(() => !DaemonFixture.IsKubiya(worker), "the orphaned worker exits", TimeSpan.FromSeconds(60));
            (await Cli("worker", "clean", "--queue-id", q)).Exit(0);
            Assert.False(Directory.Exists(paths.Directory));
        }
        finally
        {
            await StopQuietlyAsync(q);
        }
    }

    [Fact]
    public async Task StopDrainsTheRunningStepBeforeTheDaemonExits()
    {
        var q = CliFixture.Unique("drain");
        var paths = fx.Paths(q);
        try
        {
            await StartDaemonAsync(q);
            using var exec = fx.Env.Start(new[] { "exec", "agent", "shell", "echo step-began; sleep 5; echo step-drained", "--queue", q, "-o", "json" });
            var began = await exec.WaitForLineAsync(l => l == "step-began", stderr: true);
            var stop = (await Cli("worker", "stop", "--queue-id", q)).Exit(0);
            Assert.Contains("stopped", stop.Stdout);
            var log = File.ReadAllText(paths.LogFile);
            Assert.Contains("stop requested: draining worker", log);
            Assert.Matches(@"step 'shell' finished: exit 0", log);
            Assert.Contains("worker drained and exited with code 0", log);
            // The step's output reached the execution: it finished instead of being cut off.
            var id = System.Text.RegularExpressions.Regex.Match(exec.Stderr, @"exec-\w+").Value;
            var logs = (await Cli("execution", "logs", id)).Exit(0).Stdout;
            Assert.Contains("step-drained", logs);
            Assert.Contains("Step 'shell' succeeded", logs);
            // The next daemon finishes the execution, and the waiting exec reports it.
            await StartDaemonAsync(q);
            var r = (await exec.WaitForExitAsync(TimeSpan.FromSeconds(90))).Exit(0);
            Assert.Equal("Completed", r.Json.GetProperty("status").GetString());
        }
        finally
        {
            await StopQuietlyAsync(q);
        }
    }

    [Fact]
    public async Task CleanRefusesARunningWorkerAndRemovesAStoppedOne()
    {
        var q = CliFixture.Unique("clean");
        var paths = fx.Paths(q);
        try
        {
            await StartDaemonAsync(q);
            var refused = (await Cli("worker", "clean", "--queue-id", q)).Exit(1);
            Assert.Contains("[WorkerRunning]", refused.Stderr);
            Assert.Contains("stop it before cleaning", refused.Stderr);
            Assert.True(File.Exists(paths.PidFile));
            Assert.Equal(DaemonState.Running, DaemonStatusReader.Read(paths).State);
            (await Cli("worker", "stop", "--queue-id", q)).Exit(0);
            var cleaned = (await Cli("worker", "clean", "--queue-id", q, "-o", "json")).Exit(0).Json;
            Assert.True(cleaned.GetProperty("removed").GetBoolean());
            Assert.False(Directory.Exists(paths.Directory));
            Assert.Contains("Nothing to clean", (await Cli("worker", "clean", "--queue-id", q)).Exit(0).Stdout);
        }
        finally
        {
            await StopQuietlyAsync(q);
        }
    }

    [Fact]
    public async Task WorkerLogsFollowPrintsNewLinesUntilInterrupted()
    {
        var q = CliFixture.Unique("follow");
        try
        {
            await StartDaemonAsync(q);
            using var follow = fx.Env.Start(new[] { "worker", "logs", "--queue-id", q, "--follow" });
            await follow.WaitForLineAsync(l => l.Contains("daemon started"));
            var id = (await Cli("exec", "agent", "shell", "echo followed", "--queue", q, "-o", "json")).Exit(0).Json.GetProperty("id").GetString()!;
            await follow.WaitForLineAsync(l => l.Contains(id) && l.Contains("finished: exit 0"));
            follow.Signal("TERM");
            (await follow.WaitForExitAsync(TimeSpan.FromSeconds(30))).Exit(0);
            Assert.Contains("[WorkerLogNotFound]", (await Cli("worker", "logs", "--queue-id", CliFixture.Unique("none"))).Exit(1).Stderr);
        }
        finally
        {
            await StopQuietlyAsync(q);
        }
    }
}
