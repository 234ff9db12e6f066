using System.Management.Automation;

namespace Kubiya.Tests.PowerShell;

/// <summary>Cancel, approvals, input and waiting.</summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "PowerShell")]
public sealed class ControlTests(ModuleFixture fx)
{
    private const string ApprovalAgent = """
        name: deploy
        steps:
          - name: plan
            shell: echo planned
          - name: confirm
            approval: Deploy to production?
          - name: apply
            shell: echo applied
        """;

    private static string WaitFor(string id, string status) =>
        $"$deadline = [DateTime]::UtcNow.AddSeconds(60); do {{ [Threading.Thread]::Sleep(200); $x = Get-KubiyaExecution -Id {id} }} until ($x.Status -eq '{status}' -or [DateTime]::UtcNow -gt $deadline); $x";

    [Fact]
    public void StopKubiyaExecutionCancelsAndKillsTheStep()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("q");
        var id = s.Run($"Start-KubiyaWorker -QueueId {q} | Out-Null; (Invoke-KubiyaExec -Agent shell 'echo started; sleep 20; touch finished.txt' -Queue {q} -Cwd . -NoWait).Id").Ok().Single().ToString();
        s.Run(WaitFor(id, "Running")).Ok();
        var r = s.Run($"Get-KubiyaExecution -Id {id} | Stop-KubiyaExecution -Confirm:$false; Wait-KubiyaExecution -Id {id} -Timeout 60 -ErrorAction SilentlyContinue");
        Assert.Equal("Cancelled", r.Prop<string>("Status"));
        Thread.Sleep(1000);
        Assert.False(File.Exists(s.PathOf("finished.txt")), "the running command was killed");
    }

    [Fact]
    public void StoppingAFinishedExecutionIsAnInvalidOperation()
    {
        using var s = fx.NewSession();
        var r = s.Run("$e = Invoke-KubiyaExec -Agent shell 'echo x' -Local; $e | Stop-KubiyaExecution -Confirm:$false");
        var err = Assert.Single(r.Errors);
        Assert.StartsWith("ExecutionAlreadyFinished,", err.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidOperation, err.CategoryInfo.Category);
    }

    [Fact]
    public void WhatIfDoesNotCancel()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("q");
        var r = s.Run($"$e = Invoke-KubiyaExec -Agent shell 'echo x' -Queue {q} -Cwd . -NoWait -WarningAction SilentlyContinue; Stop-KubiyaExecution -Id $e.Id -WhatIf; (Get-KubiyaExecution -Id $e.Id).Status").Ok();
        Assert.Equal("Pending", r.Single().ToString());
    }

    [Fact]
    public void ApprovalWaitsForInputAndContinuesWhenApproved()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("q");
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "deploy", ApprovalAgent);
        var id = s.Run($"Start-KubiyaWorker -QueueId {q} | Out-Null; (Invoke-KubiyaExec -Agent deploy 'ship it' -Queue {q} -Cwd . -NoWait).Id").Ok().Single().ToString();
        var waiting = s.Run(WaitFor(id, "WaitingForInput")).Ok();
        Assert.Equal("WaitingForInput", waiting.Prop<string>("Status"));
        Assert.Equal("Deploy to production?", waiting.Prop<string>("Question"));
        var done = s.Run($"Get-KubiyaExecution -Id {id} | Send-KubiyaExecutionInput -Answer yes; Wait-KubiyaExecution -Id {id} -Timeout 60").Ok();
        Assert.Equal("Completed", done.Prop<string>("Status"));
        Assert.Equal("planned\napplied", done.Prop<string>("Output").Trim());
        var log = s.Run($"Get-KubiyaExecutionLog -Id {id} | Where-Object {{ $_.Kind -in 'Question','Answer' }} | ForEach-Object Kind").Ok();
        Assert.Equal(new[] { "Question", "Answer" }, log.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void RejectedApprovalFailsTheExecution()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("q");
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "deploy", ApprovalAgent);
        var id = s.Run($"Start-KubiyaWorker -QueueId {q} | Out-Null; (Invoke-KubiyaExec -Agent deploy 'ship it' -Queue {q} -Cwd . -NoWait).Id").Ok().Single().ToString();
        s.Run(WaitFor(id, "WaitingForInput")).Ok();
        var done = s.Run($"Send-KubiyaExecutionInput -Id {id} -Answer 'no, not today'; Wait-KubiyaExecution -Id {id} -Timeout 60");
        Assert.Equal("Failed", done.Prop<string>("Status"));
        Assert.Contains("not approved", done.Prop<string>("Error"));
        Assert.DoesNotContain("applied", done.Prop<string>("Output"));
    }

    [Fact]
    public void YesAutoApproves()
    {
        using var s = fx.NewSession();
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "deploy", ApprovalAgent);
        var r = s.Run("Invoke-KubiyaExec -Agent deploy 'ship it' -Local -Yes").Ok();
        Assert.Equal("Completed", r.Prop<string>("Status"));
        Assert.Contains(r.Information, i => i.Tags.Contains("Answer") && i.MessageData.ToString()!.Contains("auto-approved"));
    }

    [Fact]
    public void InputToAnExecutionThatIsNotWaitingIsRejected()
    {
        using var s = fx.NewSession();
        var r = s.Run("$e = Invoke-KubiyaExec -Agent shell 'echo x' -Local; Send-KubiyaExecutionInput -Id $e.Id -Answer yes; Send-KubiyaExecutionInput -Id exec-unknown -Answer yes");
        Assert.Equal(2, r.Errors.Count);
        Assert.StartsWith("ExecutionNotWaitingForInput,", r.Errors[0].FullyQualifiedErrorId);
        Assert.StartsWith("ExecutionNotFound,", r.Errors[1].FullyQualifiedErrorId);
    }

    [Fact]
    public void WaitTimesOutWithASpecificError()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("q");
        var r = s.Run($"$e = Invoke-KubiyaExec -Agent shell 'echo x' -Queue {q} -Cwd . -NoWait -WarningAction SilentlyContinue; Wait-KubiyaExecution -Id $e.Id -Timeout 2");
        var err = Assert.Single(r.Errors);
        Assert.StartsWith("WaitTimeout,", err.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.OperationTimeout, err.CategoryInfo.Category);
    }

    [Fact]
    public void CtrlCStopsWaiting()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("q");
        var id = s.Run($"(Invoke-KubiyaExec -Agent shell 'echo x' -Queue {q} -Cwd . -NoWait -WarningAction SilentlyContinue).Id").Ok().Single().ToString();
        var (shell, handle) = s.Begin($"Wait-KubiyaExecution -Id {id}");
        using (shell)
        {
            Thread.Sleep(1500);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            shell.Stop();
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "StopProcessing cancels the wait promptly");
            Assert.Equal(PSInvocationState.Stopped, shell.InvocationStateInfo.State);
        }
    }

    [Fact]
    public void WaitShowsProgressWhileWaiting()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("q");
        var r = s.Run($"Start-KubiyaWorker -QueueId {q} | Out-Null; $e = Invoke-KubiyaExec -Agent shell 'sleep 3; echo slow' -Queue {q} -Cwd . -NoWait; Wait-KubiyaExecution -Id $e.Id -Timeout 60").Ok();
        Assert.Equal("Completed", r.Prop<string>("Status"));
        Assert.Contains(r.Progress, p => p.Activity.Contains(r.Prop<string>("Id")) && p.StatusDescription.StartsWith("Running"));
        Assert.Equal(ProgressRecordType.Completed, r.Progress[^1].RecordType);
    }

    [Fact]
    public void CtrlCOnALocalExecutionCancelsItAndRemovesTheWorker()
    {
        using var s = fx.NewSession();
        var (shell, handle) = s.Begin("Invoke-KubiyaExec -Agent shell 'echo started; sleep 30; touch finished.txt' -Local -Yes");
        using (shell)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!shell.Streams.Information.Any(i => i.MessageData.ToString() == "started") && DateTime.UtcNow < deadline) Thread.Sleep(100);
            var queue = Directory.GetDirectories(Path.Combine(fx.Home, "workers"), "local-*").Select(Path.GetFileName).Single(d => s.WorkerJobNames().Contains("KubiyaLocal:" + d));
            shell.Stop();
            Assert.Equal(PSInvocationState.Stopped, shell.InvocationStateInfo.State);
            Assert.Empty(s.WorkerJobNames());
            Assert.False(Directory.Exists(Path.Combine(fx.Home, "workers", queue!)));
            var started = shell.Streams.Information.First(i => i.Tags.Contains("Started")).MessageData.ToString()!;
            var id = System.Text.RegularExpressions.Regex.Match(started, @"exec-[0-9a-f]+").Value;
            Assert.Equal("Cancelled", s.Run($"(Get-KubiyaExecution -Id {id}).Status").Ok().Single().ToString());
            Assert.False(File.Exists(s.PathOf("finished.txt")));
        }
    }

    [Fact]
    public void RunningExecutionsFromAListingPipeIntoStop()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("q");
        var r = s.Run($$"""
            Start-KubiyaWorker -QueueId {{q}} | Out-Null
            $a = Invoke-KubiyaExec -Agent shell 'sleep 30' -Queue {{q}} -Cwd . -NoWait
            $b = Invoke-KubiyaExec -Agent shell 'sleep 30' -Queue {{q}} -Cwd . -NoWait
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            do { [Threading.Thread]::Sleep(200) } until (@(Get-KubiyaExecution -Queue {{q}} -Status Running).Count -eq 2 -or [DateTime]::UtcNow -gt $deadline)
            Get-KubiyaExecution -Queue {{q}} -Status Running | Stop-KubiyaExecution -Confirm:$false
            (Wait-KubiyaExecution -Id $a.Id -Timeout 60 -ErrorAction SilentlyContinue).Status
            (Wait-KubiyaExecution -Id $b.Id -Timeout 60 -ErrorAction SilentlyContinue).Status
            """);
        Assert.Empty(r.Errors.Where(e => !e.FullyQualifiedErrorId.StartsWith("ExecutionCancelled")));
        Assert.Equal(new[] { "Cancelled", "Cancelled" }, r.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void UnknownNamespaceIsReportedAsSuch()
    {
        using var s = fx.NewSession();
        var r = s.Run("$env:KUBIYA_TEMPORAL_NAMESPACE = 'no-such-namespace'; try { Get-KubiyaExecution -Id exec-x } finally { $env:KUBIYA_TEMPORAL_NAMESPACE = $null }");
        var err = Assert.Single(r.Errors);
        Assert.StartsWith("NamespaceNotFound,", err.FullyQualifiedErrorId);
    }
}
