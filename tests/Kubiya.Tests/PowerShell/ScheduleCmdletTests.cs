using System.Management.Automation;

namespace Kubiya.Tests.PowerShell;

/// <summary>
/// The schedule cmdlets in a real runspace against the embedded server: typed objects and their
/// table, pause / resume / trigger / change / remove, and runs that resolve their agent on the
/// worker when they fire (a changed agent is what the next run uses).
/// </summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "PowerShell")]
public sealed class ScheduleCmdletTests(ModuleFixture fx)
{
    private const string Greeter = """
        name: greeter-NAME
        steps:
          - name: greet
            shell: echo VERSION
        """;

    private static string WaitForScheduled(string schedule, int count) =>
        $"$deadline = [DateTime]::UtcNow.AddSeconds(60); do {{ [Threading.Thread]::Sleep(200); $x = @(Get-KubiyaExecution -Schedule {schedule} | Where-Object {{ $_.IsFinished }}) }} until ($x.Count -ge {count} -or [DateTime]::UtcNow -gt $deadline); $x";

    [Fact]
    public void NewReturnsATypedScheduleThatGetReadsBackAndItsFormatViewTargetsTheType()
    {
        using var s = fx.NewSession();
        var name = ModuleFixture.Unique("nightly");
        var r = s.Run($"New-KubiyaSchedule -Name {name} -Cron '0 2 * * *' -TimeZone Europe/Berlin -Agent shell -Prompt 'echo nightly' -Queue q-none -Paused -Note 'made by a test' -Overlap BufferOne").Ok();
        Assert.Equal("Kubiya.Core.Schedules.ScheduleInfo", r.Single().BaseObject.GetType().FullName);
        Assert.Equal("0 2 * * *", r.Prop<string>("Spec"));
        Assert.Equal("Europe/Berlin", r.Prop<string>("TimeZone"));
        Assert.True(r.Prop<bool>("Paused"));
        Assert.Equal("made by a test", r.Prop<string>("Note"));
        Assert.Equal("BufferOne", r.Prop<string>("Overlap"));
        Assert.Equal("shell", r.Prop<string>("Agent"));
        var next = r.Prop<DateTimeOffset>("NextRun");
        Assert.Equal(TimeSpan.Zero, TimeSpan.FromMinutes(next.ToOffset(TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin").GetUtcOffset(next)).TimeOfDay.TotalMinutes - 120));

        var got = s.Run($"'{name}' | Get-KubiyaSchedule | ForEach-Object Name; Get-KubiyaSchedule -Name '{name[..8]}*' | ForEach-Object Name").Ok();
        Assert.Equal(new[] { name, name }, got.Output.Select(o => o.ToString()));
        // Format-Table is not in this engine-only host (the 80-column check runs under pwsh, tests/Pester/Schedules.Tests.ps1).
        var format = System.Xml.Linq.XDocument.Load(s.Run("(Get-Module Kubiya).ExportedFormatFiles[0]").Ok().Single().ToString());
        var view = format.Descendants("View").Single(v => v.Element("Name")!.Value == "KubiyaSchedule");
        Assert.Equal("Kubiya.Core.Schedules.ScheduleInfo", view.Descendants("TypeName").Single().Value);
        Assert.Equal(new[] { "Name", "Spec", "NextRun", "LastResult", "Paused" }, view.Descendants("Label").Select(l => l.Value));

        s.Run($"Remove-KubiyaSchedule -Name {name}").Ok();
    }

    [Fact]
    public void BadSpecsAreInvalidArgumentErrorsNamingTheField()
    {
        using var s = fx.NewSession();
        var r = s.Run("New-KubiyaSchedule -Name bad-minute -Cron '61 * * * *' -Agent shell -Prompt x -Queue q; New-KubiyaSchedule -Name bad-zone -Cron '0 * * * *' -TimeZone Mars/Base -Agent shell -Prompt x -Queue q");
        Assert.Equal(2, r.Errors.Count);
        Assert.All(r.Errors, e =>
        {
            Assert.StartsWith("InvalidSchedule,", e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category);
        });
        Assert.Contains("minute value 61", r.Errors[0].Exception.Message);
        Assert.Contains("timezone_name", r.Errors[1].Exception.Message);
        var missing = s.Run("Get-KubiyaSchedule -Name no-such-schedule");
        Assert.StartsWith("ScheduleNotFound,", Assert.Single(missing.Errors).FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, missing.Errors[0].CategoryInfo.Category);
        var noAgent = s.Run("New-KubiyaSchedule -Name no-agent -Cron '0 * * * *' -Prompt x -Queue q");
        Assert.StartsWith("AgentRequired,", Assert.Single(noAgent.Errors).FullyQualifiedErrorId);
    }

    [Fact]
    public void SuspendResumeSetAndRemoveChangeTheSchedule()
    {
        using var s = fx.NewSession();
        var name = ModuleFixture.Unique("ops");
        s.Run($"New-KubiyaSchedule -Name {name} -Interval ([TimeSpan]::FromHours(1)) -Agent shell -Prompt 'echo ops' -Queue q-none | Out-Null").Ok();
        var paused = s.Run($"Get-KubiyaSchedule -Name {name} | Suspend-KubiyaSchedule -Note 'maintenance' -PassThru").Ok();
        Assert.True(paused.Prop<bool>("Paused"));
        Assert.Equal("maintenance", paused.Prop<string>("Note"));
        var resumed = s.Run($"Resume-KubiyaSchedule -Name {name} -PassThru").Ok();
        Assert.False(resumed.Prop<bool>("Paused"));
        Assert.NotNull(resumed.Prop<DateTimeOffset?>("NextRun"));
        var changed = s.Run($"Set-KubiyaSchedule -Name {name} -Cron '15 4 * * MON-FRI' -Prompt 'echo changed' -Overlap AllowAll -PassThru").Ok();
        Assert.Equal("15 4 * * 1-5", changed.Prop<string>("Spec"));
        Assert.Equal("echo changed", changed.Prop<string>("Prompt"));
        Assert.Equal("AllowAll", changed.Prop<string>("Overlap"));
        Assert.Equal("shell", changed.Prop<string>("Agent"));
        var whatIf = s.Run($"Remove-KubiyaSchedule -Name {name} -WhatIf; Get-KubiyaSchedule -Name {name} | ForEach-Object Name").Ok();
        Assert.Equal(name, whatIf.Single().ToString());
        s.Run($"Get-KubiyaSchedule -Name {name} | Remove-KubiyaSchedule").Ok();
        Assert.StartsWith("ScheduleNotFound,", Assert.Single(s.Run($"Get-KubiyaSchedule -Name {name}").Errors).FullyQualifiedErrorId);
    }

    [Fact]
    public void RunsLookTheirAgentUpWhenTheyFireAndListUnderTheirSchedule()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("q");
        var name = ModuleFixture.Unique("greet");
        var agent = "greeter-" + name;
        TestAgents.WriteProjectAgent(s.WorkingDirectory, agent, Greeter.Replace("NAME", name).Replace("VERSION", "first version"));
        s.Run($"Start-KubiyaWorker -QueueId {q} | Out-Null; New-KubiyaSchedule -Name {name} -Cron '0 0 1 1 *' -Agent {agent} -Prompt 'say hello' -Queue {q} | Start-KubiyaSchedule").Ok();
        var first = s.Run(WaitForScheduled(name, 1)).Ok();
        Assert.Equal("Completed", first.Prop<string>("Status"));
        Assert.Equal("first version", first.Prop<string>("Output").Trim());
        Assert.Equal(name, first.Prop<string>("Schedule"));
        Assert.StartsWith(name + "-", first.Prop<string>("Id"));
        // Listed under its agent too: the run carries the agent search attribute, as runs started by hand do.
        Assert.Contains(first.Prop<string>("Id"), s.Run($"Get-KubiyaExecution -Agent {agent} | ForEach-Object Id").Ok().Output.Select(o => o.ToString()));

        // The schedule keeps the agent's name, not a copy: the next run uses the changed agent.
        TestAgents.WriteProjectAgent(s.WorkingDirectory, agent, Greeter.Replace("NAME", name).Replace("VERSION", "second version"));
        Thread.Sleep(1100); // the next trigger gets its own second, so its own execution id
        s.Run($"Start-KubiyaSchedule -Name {name}").Ok();
        var both = s.Run(WaitForScheduled(name, 2)).Ok();
        Assert.Equal(new[] { "first version", "second version" },
            both.Output.OrderBy(o => (DateTimeOffset)o.Properties["CreatedAt"].Value).Select(o => o.Properties["Output"].Value.ToString()!.Trim()));
        var info = s.Run($"Get-KubiyaSchedule -Name {name}").Ok();
        Assert.Equal(2, info.Prop<long>("Runs"));
        Assert.Equal("Completed", info.Prop<string>("LastResult"));

        // A run whose agent is gone fails with AgentNotFound, on the worker, when it fires.
        File.Delete(Path.Combine(s.WorkingDirectory, ".kubiya", "agents", agent + ".yaml"));
        Thread.Sleep(1100);
        s.Run($"Start-KubiyaSchedule -Name {name}").Ok();
        var all = s.Run(WaitForScheduled(name, 3)).Ok();
        var last = all.Output.OrderBy(o => (DateTimeOffset)o.Properties["CreatedAt"].Value).Last();
        Assert.Equal("Failed", last.Properties["Status"].Value.ToString());
        Assert.Contains(agent, last.Properties["Error"].Value.ToString());
        s.Run($"Remove-KubiyaSchedule -Name {name}").Ok();
    }

    [Fact]
    public async Task RunsOfAScheduleMadeWithoutTheAgentAttributeSetItWhenTheyRun()
    {
        // A schedule as earlier versions made it: its action names the agent in the memo only.
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("q");
        var name = ModuleFixture.Unique("old-sched");
        var agent = "greeter-" + name;
        TestAgents.WriteProjectAgent(s.WorkingDirectory, agent, Greeter.Replace("NAME", name).Replace("VERSION", "old schedule"));
        // The execution workflow's input as JSON (the module's types stay behind its load context).
        var input = new Dictionary<string, object> { ["Prompt"] = "hi", ["Agent"] = agent, ["WorkingDirectory"] = s.WorkingDirectory, ["ResolveAtRun"] = true, ["Schedule"] = name };
        var memo = new Dictionary<string, object> { ["state"] = "Pending", ["prompt"] = "hi", ["queue"] = q, ["agent"] = agent, ["schedule"] = name };
        var action = Temporalio.Client.Schedules.ScheduleActionStartWorkflow.Create(
            "KubiyaExecution", new object?[] { input }, new Temporalio.Client.WorkflowOptions(name, q) { Memo = memo });
        var handle = await fx.Client.CreateScheduleAsync(name, new Temporalio.Client.Schedules.Schedule(action,
            new Temporalio.Client.Schedules.ScheduleSpec { CronExpressions = new List<string> { "0 0 1 1 *" } }));
        try
        {
            s.Run($"Start-KubiyaWorker -QueueId {q} | Out-Null; Start-KubiyaSchedule -Name {name}").Ok();
            var run = s.Run(WaitForScheduled(name, 1)).Ok();
            Assert.Equal("Completed", run.Prop<string>("Status"));
            Assert.Contains(run.Prop<string>("Id"), s.Run($"Get-KubiyaExecution -Agent {agent} | ForEach-Object Id").Ok().Output.Select(o => o.ToString()));
        }
        finally
        {
            await handle.DeleteAsync();
        }
    }
}
