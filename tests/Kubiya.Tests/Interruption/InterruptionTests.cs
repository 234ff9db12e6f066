using System.Diagnostics;
using Kubiya.Tests.Infrastructure;
using Kubiya.Tests.PowerShell;

namespace Kubiya.Tests.Interruption;

/// <summary>
/// Interruptions as users deliver them, to the built module in a real pwsh: Ctrl+C pressed in a
/// terminal (SIGINT to its foreground process group) and SIGTERM to pwsh (a pipeline's cancel).
/// Afterwards the execution's state is true and no step process is left.
/// </summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "Interruption")]
public sealed class InterruptionTests(ModuleFixture fx)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task CtrlCDuringLocalExecCancelsItAndLeavesNoProcess()
    {
        using var s = fx.NewSession();
        var token = ModuleFixture.Unique("ctrlc");
        using var terminal = Terminal.Start(RealPwsh.CommandLine("-NoLogo", "-NoProfile"), s.WorkingDirectory, Env());
        await terminal.WaitForAsync("PS ", Long);
        terminal.TypeLine($"Import-Module '{RepoPaths.ModuleDir}'; $e = Invoke-KubiyaExec -Agent shell 'echo $KUBIYA_EXECUTION_ID > id.txt; sleep 120 # {token}' -Local; 'exec-returned'");
        var id = await FileWait.ReadWhenWrittenAsync(s.PathOf("id.txt"));
        Assert.NotEmpty(ProcessScan.WithToken(token));
        // While it waits, the progress bar names the running step.
        await terminal.WaitForAsync("step 1 of 1: shell", TimeSpan.FromSeconds(10));

        terminal.CtrlC();

        var r = s.Run($"$x = Wait-KubiyaExecution -Id {id} -Timeout 60 -ErrorAction Ignore; $x.Status; $x.Queue", Long).Ok();
        Assert.Equal("Cancelled", r.Output[0].ToString());
        var left = await ProcessScan.WaitGoneAsync(token, TimeSpan.FromSeconds(10));
        Assert.True(left.Count == 0, "step processes left behind:\n" + ProcessScan.Describe(left));
        terminal.TypeLine("\"jobs=$(@(Get-Job).Count)\"");
        await terminal.WaitForAsync("jobs=0", TimeSpan.FromSeconds(30));
        // No worker is left: none polls the private queue (the server's lagging entry reads Stopped), its folder is gone.
        var queue = r.Output[1].ToString();
        Assert.StartsWith("local-", queue);
        var live = s.Run($"Get-KubiyaWorker -QueueId {queue} | Where-Object State -ne Stopped | ForEach-Object {{ $_.Source + ' ' + $_.Identity + ' ' + $_.State }}").Ok();
        Assert.True(live.Output.Count == 0, "workers left: " + string.Join("; ", live.Output));
        Assert.False(Directory.Exists(Path.Combine(fx.Home, "workers", queue)), "the local worker's folder is left");
    }

    [Fact]
    public async Task CtrlCOnAnotherCommandDoesNotReachTheSessionWorkersSteps()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("ctrlc-worker");
        using var terminal = Terminal.Start(RealPwsh.CommandLine("-NoLogo", "-NoProfile"), s.WorkingDirectory, Env());
        await terminal.WaitForAsync("PS ", Long);
        terminal.TypeLine($"Import-Module '{RepoPaths.ModuleDir}'; $w = Start-KubiyaWorker -QueueId {q}; 'worker-started'");
        await terminal.WaitForAsync("worker-started", Long);
        var id = s.Run($"(Invoke-KubiyaExec -Agent shell 'echo began > began.txt; sleep 5; echo slept-through' -Queue {q} -Cwd . -NoWait).Id").Ok().Single().ToString();
        await FileWait.ReadWhenWrittenAsync(s.PathOf("began.txt"));
        terminal.TypeLine("Start-Sleep 60");
        await Task.Delay(1000);

        terminal.CtrlC();

        var r = s.Run($"$x = Wait-KubiyaExecution -Id {id} -Timeout 60; $x.Status; $x.Output", Long).Ok();
        Assert.Equal("Completed", r.Output[0].ToString());
        Assert.Contains("slept-through", r.Output[1].ToString());
    }

    [Fact]
    public async Task SigtermToPwshRunningLocalEndsTheExecutionAndItsSteps()
    {
        using var s = fx.NewSession();
        var token = ModuleFixture.Unique("sigterm");
        var psi = RealPwsh.StartInfo(s.WorkingDirectory, "-NoLogo", "-NoProfile", "-NonInteractive", "-Command",
            $"Import-Module '{RepoPaths.ModuleDir}'; Invoke-KubiyaExec -Agent shell 'echo $KUBIYA_EXECUTION_ID > id.txt; sleep 120 # {token}' -Local -Yes -ErrorAction Stop");
        using var pwsh = Process.Start(psi)!;
        var output = pwsh.StandardOutput.ReadToEndAsync();
        var id = await FileWait.ReadWhenWrittenAsync(s.PathOf("id.txt"));

        Signal("TERM", pwsh.Id);

        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30))) await pwsh.WaitForExitAsync(cts.Token);
        Assert.NotEqual(0, pwsh.ExitCode);
        var left = await ProcessScan.WaitGoneAsync(token, TimeSpan.FromSeconds(5));
        Assert.True(left.Count == 0, "step processes outlived pwsh:\n" + ProcessScan.Describe(left));
        var r = s.Run($"$x = Get-KubiyaExecution -Id {id}; $x.Status; $x.Error").Ok();
        Assert.True(r.Output[0].ToString() == "Cancelled", $"status {r.Output[0]}; pwsh printed:\n{await output}");
        Assert.Contains("was ended", r.Output[1].ToString());
    }

    private static Dictionary<string, string?> Env() => new()
    {
        ["KUBIYA_HOME"] = Environment.GetEnvironmentVariable("KUBIYA_HOME"),
        ["KUBIYA_TEMPORAL_ADDRESS"] = Environment.GetEnvironmentVariable("KUBIYA_TEMPORAL_ADDRESS"),
        ["STEP_HEARTBEAT_INTERVAL"] = Environment.GetEnvironmentVariable("STEP_HEARTBEAT_INTERVAL"),
        ["QUEUE_ID"] = null,
    };

    internal static void Signal(string name, int pid)
    {
        using var kill = Process.Start("kill", new[] { "-" + name, pid.ToString() })!;
        kill.WaitForExit();
    }
}
