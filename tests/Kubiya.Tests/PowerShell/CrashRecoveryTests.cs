using System.Diagnostics;
using Kubiya.Tests.Infrastructure;

namespace Kubiya.Tests.PowerShell;

/// <summary>A worker process killed with kill -9 mid-step: another worker completes the step.</summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "PowerShell")]
public sealed class CrashRecoveryTests(ModuleFixture fx)
{
    [Fact]
    public async Task SecondWorkerCompletesTheStepOfAKilledWorker()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("crash");
        using var first = WorkerProcess.Start(q);
        try
        {
            var marker = s.PathOf("attempts.txt");
            var id = s.Run($"(Invoke-KubiyaExec -Agent shell 'echo attempt >> attempts.txt; sleep 6; echo finished' -Queue {q} -Cwd . -NoWait -WarningAction SilentlyContinue).Id").Ok().Single().ToString();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!File.Exists(marker) && DateTime.UtcNow < deadline) await Task.Delay(100);
            Assert.True(File.Exists(marker), "the first worker started the step:\n" + first.OutputText);
            var firstWorker = s.Run($"(Get-KubiyaExecution -Id {id}).Status").Ok().Single().ToString();
            Assert.Equal("Running", firstWorker);

            await first.KillAsync();

            var r = s.Run($"$w = Start-KubiyaWorker -QueueId {q}; $e = Wait-KubiyaExecution -Id {id} -Timeout 90; $e.Status; $e.Worker; $w.Identity; $e.Output", TimeSpan.FromSeconds(120)).Ok();
            Assert.Equal("Completed", r.Output[0].ToString());
            Assert.Equal(r.Output[2].ToString(), r.Output[1].ToString());
            Assert.Contains("finished", r.Output[3].ToString());
            Assert.Equal(2, File.ReadAllLines(marker).Length);
        }
        finally
        {
            await first.KillAsync();
        }
    }
}
