using System.Diagnostics;
using Kubiya.Tests.Infrastructure;

namespace Kubiya.Tests.PowerShell;

/// <summary>
/// Approvals nobody can answer here: a non-interactive -Local run fails fast with ApprovalRequired,
/// -ApprovalTimeout waits for an answer from elsewhere, an approval step's own timeout ends the
/// wait; an interactive pwsh prompts.
/// </summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "PowerShell")]
public sealed class ApprovalTests(ModuleFixture fx)
{
    private const string ApprovalAgent = """
        name: deploy
        steps:
          - name: confirm
            approval: Deploy to production?
          - name: apply
            shell: echo applied
        """;

    [Fact]
    public void ALocalRunNobodyCanApproveFailsFastWithApprovalRequired()
    {
        using var s = fx.NewSession();
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "deploy", ApprovalAgent);
        var watch = Stopwatch.StartNew();
        // The test runspace has no host UI: nobody can be asked.
        var r = s.Run("Invoke-KubiyaExec -Agent deploy 'ship it' -Local -WarningAction SilentlyContinue", TimeSpan.FromSeconds(60));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "failed fast");
        var error = Assert.Single(r.Errors, e => e.FullyQualifiedErrorId.StartsWith("ApprovalRequired"));
        Assert.Contains("Deploy to production?", error.ToString());
        var id = error.TargetObject!.ToString()!;
        var after = s.Run($"$x = Get-KubiyaExecution -Id {id}; $x.Status; $x.Error; @(Get-Job).Count").Ok();
        Assert.Equal("Cancelled", after.Output[0].ToString());
        Assert.Contains("needs approval", after.Output[1].ToString());
        Assert.Equal(0, (int)after.Output[2].BaseObject);
    }

    [Fact]
    public async Task ApprovalTimeoutWaitsForAnAnswerFromElsewhere()
    {
        using var s = fx.NewSession();
        using var other = fx.NewSession();
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "deploy", ApprovalAgent);
        var (shell, handle) = s.Begin("Invoke-KubiyaExec -Agent deploy 'ship it' -Local -ApprovalTimeout 90 -WarningAction SilentlyContinue");
        try
        {
            string? id = null;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (id == null && DateTime.UtcNow < deadline)
            {
                await Task.Delay(300);
                var waiting = other.Run("Get-KubiyaExecution -Status WaitingForInput -Agent deploy -First 1").Ok();
                if (waiting.Output.Count == 1) id = waiting.Prop<string>("Id");
            }
            Assert.NotNull(id);
            other.Run($"Send-KubiyaExecutionInput -Id {id} -Answer yes").Ok();
            Assert.True(handle.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(60)), "Invoke-KubiyaExec returned after the answer");
            var result = shell.EndInvoke(handle).Single();
            Assert.Equal("Completed", result.Properties["Status"].Value.ToString());
            Assert.Contains("applied", result.Properties["Output"].Value.ToString());
        }
        finally
        {
            shell.Dispose();
        }
    }

    [Fact]
    public void SendInputPassThruReturnsTheStateAfterTheAnswer()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("passthru");
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "deploy", ApprovalAgent);
        var id = s.Run($"Start-KubiyaWorker -QueueId {q} | Out-Null; (Invoke-KubiyaExec -Agent deploy 'ship it' -Queue {q} -Cwd . -NoWait).Id").Ok().Single().ToString();
        s.Run($"$deadline = [DateTime]::UtcNow.AddSeconds(60); do {{ [Threading.Thread]::Sleep(200); $x = Get-KubiyaExecution -Id {id} }} until ($x.Status -eq 'WaitingForInput' -or [DateTime]::UtcNow -gt $deadline)").Ok();
        var r = s.Run($"(Send-KubiyaExecutionInput -Id {id} -Answer yes -PassThru).Status").Ok();
        Assert.NotEqual("WaitingForInput", r.Single().ToString());
        Assert.Contains(r.Single().ToString(), new[] { "Running", "Completed" });
    }

    [Fact]
    public void AnApprovalStepTimeoutEndsTheWait()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("approval-timeout");
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "deploy", ApprovalAgent.Replace("approval: Deploy to production?", "approval: Deploy to production?\n    timeout: 2"));
        var r = s.Run($"Start-KubiyaWorker -QueueId {q} | Out-Null; $e = Invoke-KubiyaExec -Agent deploy 'ship it' -Queue {q} -Cwd . -NoWait; Wait-KubiyaExecution -Id $e.Id -Timeout 60 -ErrorAction SilentlyContinue", TimeSpan.FromSeconds(90));
        Assert.Equal("Failed", r.Prop<string>("Status"));
        Assert.Contains("no answer within 2s", r.Prop<string>("Error"));
    }

    [Fact]
    public async Task NonInteractivePwshFailsFastAndAnInteractiveOnePrompts()
    {
        using var s = fx.NewSession();
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "deploy", ApprovalAgent);
        var psi = RealPwsh.StartInfo(s.WorkingDirectory, "-NoLogo", "-NoProfile", "-NonInteractive", "-Command",
            $"Import-Module '{RepoPaths.ModuleDir}'; Invoke-KubiyaExec -Agent deploy 'ship it' -Local -ErrorAction Stop");
        var watch = Stopwatch.StartNew();
        using (var pwsh = Process.Start(psi)!)
        {
            var all = pwsh.StandardOutput.ReadToEndAsync();
            var err = pwsh.StandardError.ReadToEndAsync();
            using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60))) await pwsh.WaitForExitAsync(cts.Token);
            Assert.NotEqual(0, pwsh.ExitCode);
            Assert.Contains("needs approval", await all + await err);
            Assert.DoesNotContain("applied", await all);
        }
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(45), "a non-interactive pwsh does not block on the approval");

        using var terminal = Terminal.Start(RealPwsh.CommandLine("-NoLogo", "-NoProfile"), s.WorkingDirectory, new Dictionary<string, string?>
        {
            ["KUBIYA_HOME"] = Environment.GetEnvironmentVariable("KUBIYA_HOME"),
            ["KUBIYA_TEMPORAL_ADDRESS"] = Environment.GetEnvironmentVariable("KUBIYA_TEMPORAL_ADDRESS"),
        });
        await terminal.WaitForAsync("PS ", TimeSpan.FromSeconds(60));
        terminal.TypeLine($"Import-Module '{RepoPaths.ModuleDir}'; $e = Invoke-KubiyaExec -Agent deploy 'ship it' -Local; \"status=$($e.Status)\"");
        await terminal.WaitForAsync("[Y] Yes", TimeSpan.FromSeconds(60));
        Assert.Contains("Deploy to production?", terminal.Screen());
        terminal.TypeLine("y");
        await terminal.WaitForAsync("status=Completed", TimeSpan.FromSeconds(60));
    }
}
