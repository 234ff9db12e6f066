using Kubiya.Tests.Infrastructure;

namespace Kubiya.Tests.PowerShell;

/// <summary>
/// Stopping runs: -Wait returns once the step's processes are gone, -Terminate ends a run nobody
/// serves, and a local run whose process died is ended by the next command that reads it.
/// </summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "PowerShell")]
public sealed class StopExecutionTests(ModuleFixture fx)
{
    [Fact]
    public async Task StopWaitReturnsOnlyAfterTheStepProcessIsGone()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("stopwait");
        s.Run($"$w = Start-KubiyaWorker -QueueId {q}").Ok();
        var id = s.Run($"(Invoke-KubiyaExec -Agent shell 'echo $$ > pid.txt; sleep 120' -Queue {q} -NoWait).Id").Ok().Single().ToString();
        var pid = int.Parse(await FileWait.ReadWhenWrittenAsync(s.PathOf("pid.txt")));
        // While its step runs, the execution names the worker that runs it.
        var running = s.Run($"(Get-KubiyaExecution -Id {id}).Worker; $w.Identity").Ok();
        Assert.Equal(running.Output[1].ToString(), running.Output[0]?.ToString());

        var r = s.Run($"$x = Stop-KubiyaExecution -Id {id} -Wait; $x.Status; $x.Error").Ok();

        var aliveAtReturn = ProcessScan.IsAlive(pid);
        Assert.Equal("Cancelled", r.Output[0].ToString());
        Assert.False(aliveAtReturn, $"Stop-KubiyaExecution -Wait returned while the step's shell {pid} still ran");
        Assert.Equal("Cancelled during step 'shell'.", r.Output[1].ToString());
        var waited = s.Run($"Wait-KubiyaExecution -Id {id}");
        Assert.Contains(waited.Errors, e => e.ToString() == $"Execution {id} was cancelled: Cancelled during step 'shell'.");
    }

    [Fact]
    public void TerminateEndsARunThatNoWorkerServesWithTheReason()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("nobody");
        var r = s.Run($"$e = Invoke-KubiyaExec -Agent shell 'echo never' -Queue {q} -NoWait -WarningAction SilentlyContinue; " +
                      "$t = Stop-KubiyaExecution -Id $e.Id -Terminate -Force -Reason 'nobody serves this queue' -PassThru; $t.Status; $t.Error; (Get-KubiyaExecution -Id $e.Id).Status").Ok();
        Assert.Equal("Cancelled", r.Output[0].ToString());
        Assert.Contains("nobody serves this queue", r.Output[1].ToString());
        Assert.Equal("Cancelled", r.Output[2].ToString());
    }

    [Fact]
    public void TerminateOfAFinishedRunIsASpecificError()
    {
        using var s = fx.NewSession();
        var r = s.Run("$e = Invoke-KubiyaExec -Agent shell 'echo done' -Local; Stop-KubiyaExecution -Id $e.Id -Terminate -Force");
        Assert.Contains(r.Errors, e => e.FullyQualifiedErrorId.StartsWith("ExecutionAlreadyFinished"));
    }

    [Fact]
    public async Task ADeadLocalRunIsEndedByTheNextCommandThatReadsIt()
    {
        using var s = fx.NewSession();
        var q = "local-" + Guid.NewGuid().ToString("N")[..12];
        using var worker = WorkerProcess.Start(q);
        Environment.SetEnvironmentVariable("KUBIYA_LOCAL_RUN_GRACE", "3");
        try
        {
            var id = s.Run($"(Invoke-KubiyaExec -Agent shell 'echo began > began.txt; sleep 120' -Queue {q} -Cwd . -NoWait -WarningAction SilentlyContinue).Id").Ok().Single().ToString();
            await FileWait.ReadWhenWrittenAsync(s.PathOf("began.txt"));
            await Task.Delay(4000);
            // Its worker still polls: older than the grace, but alive, so it stays as it is.
            Assert.Equal("Running", s.Run($"(Get-KubiyaExecution -Id {id}).Status").Ok().Single().ToString());

            await worker.KillAsync();
            await Task.Delay(4500);

            var r = s.Run($"$x = Get-KubiyaExecution -Id {id}; $x.Status; $x.Error").Ok();
            Assert.Equal("Cancelled", r.Output[0].ToString());
            Assert.Contains("local worker is gone", r.Output[1].ToString());
            Assert.Contains(q, r.Output[1].ToString());
        }
        finally
        {
            Environment.SetEnvironmentVariable("KUBIYA_LOCAL_RUN_GRACE", null);
        }
    }
}
