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
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(RepoPaths.TestHostDll);
        psi.ArgumentList.Add(RepoPaths.ModuleDir);
        psi.ArgumentList.Add($"Start-KubiyaWorker -QueueId {q} -Wait");
        using var first = Process.Start(psi)!;
        var firstOutput = new List<string>();
        first.OutputDataReceived += (_, e) => { if (e.Data != null) lock (firstOutput) firstOutput.Add(e.Data); };
        first.BeginOutputReadLine();
        try
        {
            var marker = s.PathOf("attempts.txt");
            var id = s.Run($"(Invoke-KubiyaExec -Agent shell 'echo attempt >> attempts.txt; sleep 6; echo finished' -Queue {q} -Cwd . -NoWait -WarningAction SilentlyContinue).Id").Ok().Single().ToString();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!File.Exists(marker) && DateTime.UtcNow < deadline) await Task.Delay(100);
            Assert.True(File.Exists(marker), "the first worker started the step:\n" + string.Join("\n", firstOutput));
            var firstWorker = s.Run($"(Get-KubiyaExecution -Id {id}).Status").Ok().Single().ToString();
            Assert.Equal("Running", firstWorker);

            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();

            var r = s.Run($"$w = Start-KubiyaWorker -QueueId {q}; $e = Wait-KubiyaExecution -Id {id} -Timeout 90; $e.Status; $e.Worker; $w.Identity; $e.Output", TimeSpan.FromSeconds(120)).Ok();
            Assert.Equal("Completed", r.Output[0].ToString());
            Assert.Equal(r.Output[2].ToString(), r.Output[1].ToString());
            Assert.Contains("finished", r.Output[3].ToString());
            Assert.Equal(2, File.ReadAllLines(marker).Length);
        }
        finally
        {
            if (!first.HasExited) first.Kill(entireProcessTree: true);
        }
    }
}
