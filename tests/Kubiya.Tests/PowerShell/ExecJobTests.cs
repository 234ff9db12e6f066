using System.Management.Automation;
using Kubiya.Tests.Infrastructure;

namespace Kubiya.Tests.PowerShell;

/// <summary>
/// Invoke-KubiyaExec as a user follows it: Write-Progress per step, -AsJob with the job cmdlets,
/// Wait-KubiyaExecution -Any, Get-KubiyaExecution -Team / -Skip.
/// </summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "PowerShell")]
public sealed class ExecJobTests(ModuleFixture fx)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(120);

    [Fact]
    public void InvokeShowsEachStepAsProgressAndClosesTheBar()
    {
        using var s = fx.NewSession();
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "three", "name: three\nsteps:\n  - name: first\n    shell: echo 1\n  - name: second\n    shell: echo 2\n  - name: third\n    shell: echo 3\n");
        var r = s.Run("Invoke-KubiyaExec -Agent three 'go' -Local").Ok();
        var id = r.Prop<string>("Id");
        var mine = r.Progress.Where(p => p.Activity == $"Execution {id} (agent three)").ToList();
        Assert.Contains(mine, p => p.StatusDescription == "step 1 of 3: first" && p.PercentComplete == 0);
        Assert.Contains(mine, p => p.StatusDescription == "step 2 of 3: second" && p.PercentComplete == 33);
        Assert.Contains(mine, p => p.StatusDescription == "step 3 of 3: third" && p.PercentComplete == 66);
        var last = r.Progress[^1];
        Assert.Equal(ProgressRecordType.Completed, last.RecordType);
        Assert.Equal("Completed", last.StatusDescription);
        Assert.Equal(100, last.PercentComplete);
        // Every record of the run is one bar (one activity id), so the closing record removes it.
        Assert.Single(r.Progress.Select(p => p.ActivityId).Distinct());
    }

    [Fact]
    public void AsJobReturnsAJobWhoseOutputIsTheExecutionAndWhoseStreamsCarryTheLog()
    {
        using var s = fx.NewSession();
        var r = s.Run("""
            $j = Invoke-KubiyaExec -Agent shell 'echo from-the-job' -Local -Yes -AsJob
            $j.PSJobTypeName
            (Get-Job -Id $j.Id).Name
            $e = Receive-Job $j -Wait -InformationVariable info
            $e.Status
            ($info | Where-Object { $_.Tags -contains 'Output' }).MessageData.Message
            $j.State
            $j.ExecutionId -eq $e.Id
            Remove-Job $j
            @(Get-Job).Count
            """, Long).Ok();
        Assert.Equal("KubiyaExec", r.Output[0].ToString());
        Assert.Equal("KubiyaExec:shell", r.Output[1].ToString());
        Assert.Equal("Completed", r.Output[2].ToString());
        Assert.Equal("from-the-job", r.Output[3].ToString());
        Assert.Equal("Completed", r.Output[4].ToString());
        Assert.Equal(true, r.Output[5].BaseObject);
        Assert.Equal(0, (int)r.Output[6].BaseObject);
    }

    [Fact]
    public void AFailedExecutionFailsTheJobWithTheExecutionsError()
    {
        using var s = fx.NewSession();
        var r = s.Run("""
            $j = Invoke-KubiyaExec -Agent shell 'exit 3' -Local -AsJob
            $null = Wait-Job $j -Timeout 120
            $j.State
            $e = Receive-Job $j -ErrorVariable err -ErrorAction SilentlyContinue
            $e.Status
            $err[0].FullyQualifiedErrorId
            Remove-Job $j
            """, Long);
        Assert.Equal("Failed", r.Output[0].ToString());
        Assert.Equal("Failed", r.Output[1].ToString());
        Assert.StartsWith("ExecutionFailed", r.Output[2].ToString());
    }

    [Fact]
    public async Task StopJobCancelsTheExecutionAndKillsItsStep()
    {
        using var s = fx.NewSession();
        var token = ModuleFixture.Unique("asjob");
        var q = ModuleFixture.Unique("q");
        s.Run($"$w = Start-KubiyaWorker -QueueId {q}; $j = Invoke-KubiyaExec -Agent shell 'echo $KUBIYA_EXECUTION_ID > id.txt; sleep 120 # {token}' -Queue {q} -Cwd . -AsJob").Ok();
        var id = await FileWait.ReadWhenWrittenAsync(s.PathOf("id.txt"));
        Assert.NotEmpty(ProcessScan.WithToken(token));

        var r = s.Run($"Stop-Job $j; $j.State; (Get-KubiyaExecution -Id {id}).Status; (Receive-Job $j).Status; Remove-Job $j; Stop-Job $w", Long).Ok();

        Assert.Equal("Stopped", r.Output[0].ToString());
        Assert.Equal("Cancelled", r.Output[1].ToString());
        Assert.Equal("Cancelled", r.Output[2].ToString());
        var left = await ProcessScan.WaitGoneAsync(token, TimeSpan.FromSeconds(10));
        Assert.True(left.Count == 0, "the step outlived Stop-Job:\n" + ProcessScan.Describe(left));
    }

    [Fact]
    public void AsJobRefusesNoWaitAndPlanning()
    {
        using var s = fx.NewSession();
        var noWait = s.Run("Invoke-KubiyaExec -Agent shell 'echo x' -Queue q -NoWait -AsJob");
        Assert.StartsWith("AsJobNoWait,", Assert.Single(noWait.Errors).FullyQualifiedErrorId);
        Assert.Empty(noWait.Output);
        var planned = s.Run("Invoke-KubiyaExec 'back up the database' -Local -AsJob");
        Assert.StartsWith("AsJobNeedsAgent,", Assert.Single(planned.Errors).FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, planned.Errors[0].CategoryInfo.Category);
    }

    [Fact]
    public void WaitAnyReturnsTheFirstThatEnds()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("q");
        var r = s.Run($"""
            $w = Start-KubiyaWorker -QueueId {q}
            $slow = Invoke-KubiyaExec -Agent shell 'sleep 60' -Queue {q} -Cwd . -NoWait
            $fast = Invoke-KubiyaExec -Agent shell 'sleep 2; echo quick' -Queue {q} -Cwd . -NoWait
            $first = $slow, $fast | Wait-KubiyaExecution -Any -Timeout 50
            $first.Id -eq $fast.Id
            $first.Status
            $first.Output.Trim()
            (Get-KubiyaExecution -Id $slow.Id).Status
            $slow | Stop-KubiyaExecution -Confirm:$false | Out-Null
            Stop-Job $w
            """, Long).Ok();
        Assert.Equal(true, r.Output[0].BaseObject);
        Assert.Equal("Completed", r.Output[1].ToString());
        Assert.Equal("quick", r.Output[2].ToString());
        Assert.Equal("Running", r.Output[3].ToString());
        Assert.Contains(r.Progress, p => p.Activity == "Waiting for the first of 2 execution(s)");
    }

    [Fact]
    public void WaitAnyTimesOutWithWaitTimeout()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("q");
        var r = s.Run($"$a = Invoke-KubiyaExec -Agent shell 'echo a' -Queue {q} -Cwd . -NoWait -WarningAction SilentlyContinue; Wait-KubiyaExecution -Id $a.Id -Any -Timeout 2", Long);
        Assert.StartsWith("WaitTimeout,", Assert.Single(r.Errors).FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.OperationTimeout, r.Errors[0].CategoryInfo.Category);
    }

    [Fact]
    public void GetExecutionFiltersByTeamAndPagesWithSkip()
    {
        using var s = fx.NewSession();
        var team = ModuleFixture.Unique("crew");
        var q = ModuleFixture.Unique("q");
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "alpha", "name: alpha\nsteps:\n  - shell: echo alpha\n");
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "crew", $"name: {team}\nkind: team\nagents: [alpha]\n");
        var r = s.Run($"""
            $t = Invoke-KubiyaExec -Team {team} 'go' -Local
            $a = Invoke-KubiyaExec -Agent alpha 'go' -Local
            @(Get-KubiyaExecution -Team {team}).Id -join ','
            $t.Id
            $ids = 1..3 | ForEach-Object {"{"} (Invoke-KubiyaExec -Agent shell "echo $_" -Queue {q} -NoWait -WarningAction SilentlyContinue).Id {"}"}
            @(Get-KubiyaExecution -Queue {q} -First 2).Id -join ','
            @(Get-KubiyaExecution -Queue {q} -Skip 1 -First 1).Id -join ','
            @(Get-KubiyaExecution -Queue {q} -Skip 2).Id -join ','
            @(Get-KubiyaExecution -Queue {q} -Skip 3).Count
            $ids -join ','
            """, Long).Ok();
        Assert.Equal(7, r.Output.Count);
        Assert.Equal(r.Output[1].ToString(), r.Output[0].ToString());
        var newestFirst = r.Output[6].ToString().Split(',').Reverse().ToArray();
        Assert.Equal(string.Join(",", newestFirst.Take(2)), r.Output[2].ToString());
        Assert.Equal(newestFirst[1], r.Output[3].ToString());
        Assert.Equal(newestFirst[2], r.Output[4].ToString());
        Assert.Equal(0, (int)r.Output[5].BaseObject);
    }
}
