namespace Kubiya.Tests.PowerShell;

/// <summary>Daemon workers from PowerShell: the same supervisor the CLI runs, visible to Get-KubiyaWorker, stopped by Stop-KubiyaWorker.</summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "Daemon")]
public sealed class DaemonWorkerTests(ModuleFixture fx)
{
    [Fact]
    public void StartKubiyaWorkerDaemonOutlivesTheSessionUntilStopKubiyaWorker()
    {
        var q = ModuleFixture.Unique("psd");
        var pidFile = Path.Combine(fx.Home, "workers", q, "worker.pid");
        try
        {
            using (var s = fx.NewSession())
            {
                var started = s.Run($"Start-KubiyaWorker -QueueId {q} -Daemon -MaxLogSize 65536 -MaxLogBackups 1").Ok().Single();
                Assert.Equal("Daemon", started.Properties["Source"].Value.ToString());
                Assert.Equal("Running", started.Properties["State"].Value.ToString());
                Assert.Empty(s.WorkerJobNames());
            }
            // The session is gone; the daemon still serves its queue.
            var pid = int.Parse(File.ReadAllText(pidFile).Trim());
            Assert.True(IsRunning(pid));
            Assert.Contains("--max-log-size 65536", File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' '));
            using var s2 = fx.NewSession();
            var r = s2.Run($"(Invoke-KubiyaExec -Agent shell 'echo from-ps-daemon' -Queue {q} -Cwd .).Output; Get-KubiyaWorker -QueueId {q} | Where-Object Source -eq Daemon | ForEach-Object State").Ok();
            Assert.Contains("from-ps-daemon", r.Output[0].ToString());
            Assert.Equal("Running", r.Output[1].ToString());
            s2.Run($"Stop-KubiyaWorker -QueueId {q}").Ok();
            Assert.False(File.Exists(pidFile));
            Assert.False(IsRunning(pid));
            // The server still lists the daemon's poller for a while; it is listed as stopped.
            var listed = s2.Run($"Get-KubiyaWorker -QueueId {q} | ForEach-Object {{ $_.Source + '/' + $_.State }}").Ok();
            Assert.DoesNotContain(listed.Output, o => o.ToString() is "Server/Polling" or "Daemon/Running");
            var gone = s2.Run($"Stop-KubiyaWorker -QueueId {q}");
            Assert.Contains(gone.Errors, e => e.FullyQualifiedErrorId.StartsWith("WorkerNotFound"));
        }
        finally
        {
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) && IsRunning(pid)) System.Diagnostics.Process.GetProcessById(pid).Kill();
        }
    }

    [Fact]
    public async Task StartKubiyaWorkerDaemonServesLlmAgentsWithItsModelConfigFile()
    {
        var q = ModuleFixture.Unique("psdm");
        var pidFile = Path.Combine(fx.Home, "workers", q, "worker.pid");
        using var s = fx.NewSession();
        using var kit = new Agents.LlmTestKit(fx, s);
        kit.Agent("daemon-talker", "tools: [read_file]");
        kit.Fake.Enqueue(Kubiya.Testing.FakeOpenAi.Reply.Text("hello from the daemon").WithUsage(5, 1));
        try
        {
            s.Run($"Start-KubiyaWorker -QueueId {q} -Daemon -ModelConfig '{kit.ModelsFile}'").Ok();
            var pid = int.Parse(File.ReadAllText(pidFile).Trim());
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            Assert.Contains($"--proxy-config-file {kit.ModelsFile}", cmdline);
            Assert.DoesNotContain(kit.Key, cmdline);
            var e = s.Run($"Invoke-KubiyaExec -Agent daemon-talker 'say hello' -Queue {q}", TimeSpan.FromSeconds(90)).Ok();
            Assert.Equal("Completed", e.Prop<string>("Status"));
            Assert.Equal("hello from the daemon", e.Prop<string>("Output"));
            Assert.Single(kit.Fake.ChatRequests);
            await kit.AssertKeyAbsentAsync(e.Prop<string>("Id"));
            s.Run($"Stop-KubiyaWorker -QueueId {q}").Ok();
            Assert.False(IsRunning(pid));
        }
        finally
        {
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) && IsRunning(pid)) System.Diagnostics.Process.GetProcessById(pid).Kill();
        }
    }

    /// <summary>Alive and not a zombie waiting to be reaped.</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    [Fact]
    public void RegisterKubiyaWorkerTaskWritesASystemdUnitRunningTheShippedCli()
    {
        using var s = fx.NewSession();
        var dir = s.PathOf("units");
        var file = s.Run($"Register-KubiyaWorkerTask -QueueId nightly -UnitDirectory '{dir}'").Ok().Single();
        var unit = File.ReadAllText(file.Properties["FullName"].Value.ToString()!);
        Assert.EndsWith("kubiya-worker-nightly.service", file.Properties["FullName"].Value.ToString());
        Assert.Matches(@"ExecStart="".*dotnet"" "".*/Cli/kubiya\.dll"" ""worker"" ""start"" ""--queue-id"" ""nightly""", unit);
        Assert.Contains($"Environment=\"KUBIYA_HOME={fx.Home}\"", unit);
        Assert.Contains("KillSignal=SIGTERM", unit);
        var again = s.Run($"Register-KubiyaWorkerTask -QueueId nightly -UnitDirectory '{dir}'");
        Assert.Contains(again.Errors, e => e.FullyQualifiedErrorId.StartsWith("UnitExists"));
        s.Run($"Register-KubiyaWorkerTask -QueueId nightly -UnitDirectory '{dir}' -Force").Ok();
    }

    [Fact]
    public void UnregisterKubiyaWorkerTaskRemovesTheUnitAndItsEnablementLinksOnly()
    {
        using var s = fx.NewSession();
        var dir = s.PathOf("units");
        var unit = s.Run($"(Register-KubiyaWorkerTask -QueueId nightly -UnitDirectory '{dir}').FullName").Ok().Single().ToString();
        // What systemctl enable makes: a link in the target's .wants folder.
        var wants = Directory.CreateDirectory(Path.Combine(dir, "default.target.wants")).FullName;
        var link = Path.Combine(wants, "kubiya-worker-nightly.service");
        File.CreateSymbolicLink(link, unit);
        var other = Path.Combine(wants, "unrelated.service");
        File.WriteAllText(other, "[Unit]\n");

        s.Run($"Unregister-KubiyaWorkerTask -QueueId nightly -UnitDirectory '{dir}' -WhatIf").Ok();
        Assert.True(File.Exists(unit), "-WhatIf removed the unit");
        Assert.True(File.Exists(link), "-WhatIf removed the link");

        s.Run($"Unregister-KubiyaWorkerTask -QueueId nightly -UnitDirectory '{dir}'").Ok();
        Assert.False(File.Exists(unit));
        Assert.False(File.Exists(link) || new FileInfo(link).LinkTarget != null, "the enablement link is left");
        Assert.True(File.Exists(other), "another unit's file was touched");

        var again = s.Run($"Unregister-KubiyaWorkerTask -QueueId nightly -UnitDirectory '{dir}'");
        var missing = Assert.Single(again.Errors);
        Assert.StartsWith("UnitNotFound,", missing.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.ObjectNotFound, missing.CategoryInfo.Category);
    }

    [Fact]
    public void UnregisterKubiyaWorkerTaskLeavesAUnitItDidNotWrite()
    {
        using var s = fx.NewSession();
        var dir = Directory.CreateDirectory(s.PathOf("units")).FullName;
        var foreign = Path.Combine(dir, "mine.service");
        File.WriteAllText(foreign, "[Unit]\nDescription=Somebody's service\n\n[Service]\nExecStart=/usr/bin/sleep infinity\n");
        var r = s.Run($"Unregister-KubiyaWorkerTask -TaskName mine -UnitDirectory '{dir}' -Confirm:$false");
        var error = Assert.Single(r.Errors);
        Assert.StartsWith("NotAKubiyaWorkerUnit,", error.FullyQualifiedErrorId);
        Assert.True(File.Exists(foreign));
        // Registered under its own name, it is found by that name.
        s.Run($"Register-KubiyaWorkerTask -QueueId q1 -TaskName custom -UnitDirectory '{dir}'").Ok();
        s.Run($"Unregister-KubiyaWorkerTask -TaskName custom -UnitDirectory '{dir}'").Ok();
        Assert.False(File.Exists(Path.Combine(dir, "custom.service")));
    }
}
