using System.Management.Automation;

namespace Kubiya.Tests.PowerShell;

/// <summary>Start-KubiyaWorker and friends: jobs in Get-Job, logs through Receive-Job, graceful stops.</summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "PowerShell")]
public sealed class WorkerJobTests(ModuleFixture fx)
{
    [Fact]
    public void StartKubiyaWorkerReturnsAJobThatGetJobShows()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("q");
        var r = s.Run($"$w = Start-KubiyaWorker -QueueId {q}; $jobs = @(Get-Job | Where-Object PSJobTypeName -eq 'KubiyaWorker'); $jobs.Count; $jobs[0].InstanceId -eq $w.InstanceId; $jobs[0].State.ToString(); $jobs[0].QueueId; $jobs[0].Name; (Get-Job -Id $w.Id).Name").Ok();
        Assert.Equal(1, (int)r.Output[0].BaseObject);
        Assert.True((bool)r.Output[1].BaseObject);
        Assert.Equal("Running", r.Output[2].ToString());
        Assert.Equal(q, r.Output[3].ToString());
        Assert.Equal($"KubiyaWorker:{q}", r.Output[4].ToString());
        Assert.Equal($"KubiyaWorker:{q}", r.Output[5].ToString());
    }

    [Fact]
    public void ExecutionOnAQueueRunsOnThatWorker()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("q");
        var r = s.Run($"$w = Start-KubiyaWorker -QueueId {q}; $e = Invoke-KubiyaExec -Agent shell 'echo on-queue' -Queue {q} -Cwd .; $e.Status; $e.Worker; $w.Identity; $e.Queue").Ok();
        Assert.Equal("Completed", r.Output[0].ToString());
        Assert.Equal(r.Output[2].ToString(), r.Output[1].ToString());
        Assert.Equal(q, r.Output[3].ToString());
    }

    [Fact]
    public void ReceiveJobGivesTheWorkerLog()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("q");
        var r = s.Run($"$w = Start-KubiyaWorker -QueueId {q}; Invoke-KubiyaExec -Agent shell 'echo logged' -Queue {q} -Cwd . | Out-Null; Receive-Job $w").Ok();
        var lines = r.Output.Select(o => o.ToString()).ToList();
        Assert.Contains(lines, l => l.Contains($"polling queue '{q}'"));
        Assert.Contains(lines, l => l.Contains("step 'shell'") && l.Contains("finished: exit 0"));
        var logFile = Path.Combine(fx.Home, "workers", q, "logs", "worker.log");
        Assert.True(File.Exists(logFile), "the worker also logs to ~/.kubiya/workers/QUEUE/logs/worker.log");
        Assert.Contains($"polling queue '{q}'", File.ReadAllText(logFile));
    }

    [Fact]
    public void StopJobStopsTheWorkerGracefully()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("q");
        var r = s.Run($"$w = Start-KubiyaWorker -QueueId {q}; Stop-Job $w; $w.State; (Get-KubiyaWorker -Session).State; Remove-Job $w; @(Get-Job).Count; @(Get-KubiyaWorker -Session).Count").Ok();
        Assert.Equal("Stopped", r.Output[0].ToString());
        Assert.Equal("Stopped", r.Output[1].ToString());
        Assert.Equal(0, (int)r.Output[2].BaseObject);
        Assert.Equal(0, (int)r.Output[3].BaseObject);
    }

    [Fact]
    public void StopKubiyaWorkerStopsByQueueAndReportsUnknownQueues()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("q");
        var r = s.Run($"$w = Start-KubiyaWorker -QueueId {q}; Stop-KubiyaWorker -QueueId {q} -PassThru | ForEach-Object State; Stop-KubiyaWorker -QueueId nope-{q}");
        Assert.Equal("Stopped", Assert.Single(r.Output).ToString());
        Assert.StartsWith("WorkerNotFound,", Assert.Single(r.Errors).FullyQualifiedErrorId);
    }

    [Fact]
    public void GetKubiyaWorkerListsJobsAndServerPollers()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("q");
        // A worker in another process shows through what the namespace knows of it: its health
        // heartbeat record, or (before its first heartbeat lands) the poller the server reports.
        using var other = WorkerProcess.Start(q);
        var r = s.Run($"$w = Start-KubiyaWorker -QueueId {q}; $deadline = [DateTime]::UtcNow.AddSeconds(30); do {{ [Threading.Thread]::Sleep(300); $all = @(Get-KubiyaWorker -QueueId {q}) }} until ($all.Count -ge 2 -or [DateTime]::UtcNow -gt $deadline); $all").Ok();
        var sources = r.Output.Select(o => o.Properties["Source"].Value.ToString()).ToList();
        Assert.Contains("Job", sources);
        Assert.Contains(sources, src => src is "Heartbeat" or "Server");
        Assert.All(r.Output, o => Assert.Equal(q, o.Properties["QueueId"].Value));
        Assert.Equal(r.Output.Count, r.Output.Select(o => o.Properties["Identity"].Value).Distinct().Count());
    }

    [Fact]
    public void ASecondWorkerForTheSameQueueInOneProcessIsRefused()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("q");
        var r = s.Run($"Start-KubiyaWorker -QueueId {q} | Out-Null; Start-KubiyaWorker -QueueId {q}; @(Get-Job).Count");
        Assert.StartsWith("WorkerAlreadyRunning,", Assert.Single(r.Errors).FullyQualifiedErrorId);
        Assert.Equal(1, (int)r.Output.Last().BaseObject);
    }

    [Fact]
    public void PendingExecutionRunsOnceAWorkerStarts()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("q");
        var submitted = s.Run($"Invoke-KubiyaExec -Agent shell 'echo late' -Queue {q} -Cwd . -NoWait");
        Assert.Equal("Pending", submitted.Prop<string>("Status"));
        Assert.Contains(submitted.Warnings, w => w.Message.Contains("No worker polls queue"));
        var id = submitted.Prop<string>("Id");
        Assert.Equal("Pending", s.Run($"(Get-KubiyaExecution -Id {id}).Status").Ok().Single().ToString());
        var done = s.Run($"Start-KubiyaWorker -QueueId {q} | Out-Null; Wait-KubiyaExecution -Id {id} -Timeout 60").Ok();
        Assert.Equal("Completed", done.Prop<string>("Status"));
        Assert.Equal("late", done.Prop<string>("Output").Trim());
    }

    [Fact]
    public void StartWorkerAgainstAnUnreachableServerFailsWithAConnectionError()
    {
        using var s = fx.NewSession();
        var r = s.Run("""
            $old = $env:KUBIYA_TEMPORAL_ADDRESS
            $env:KUBIYA_TEMPORAL_ADDRESS = '127.0.0.1:1'
            try { Start-KubiyaWorker -QueueId unreachable; Get-KubiyaExecution -Id exec-x } finally { $env:KUBIYA_TEMPORAL_ADDRESS = $old }
            """, TimeSpan.FromSeconds(90));
        Assert.Empty(r.Output);
        Assert.Equal(2, r.Errors.Count);
        Assert.All(r.Errors, e =>
        {
            Assert.StartsWith("TemporalUnreachable,", e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ConnectionError, e.CategoryInfo.Category);
        });
    }

    [Fact]
    public void StepsWithoutAFolderRunWhereTheWorkerWasStarted()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("q");
        var r = s.Run($"Start-KubiyaWorker -QueueId {q} | Out-Null; (Invoke-KubiyaExec -Agent shell 'pwd' -Queue {q}).Output").Ok();
        Assert.Equal(s.WorkingDirectory, r.Single().ToString().Trim());
    }
}
