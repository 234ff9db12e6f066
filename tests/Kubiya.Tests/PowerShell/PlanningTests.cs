using System.Management.Automation;

namespace Kubiya.Tests.PowerShell;

/// <summary>Planning through the module: Invoke-KubiyaExec "prompt", -WhatIf, approval, plan files, New/Get-KubiyaPlan, views.</summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "Planning")]
public sealed class PlanningTests(ModuleFixture fx)
{
    private const string Prompt = "back up the quokka postgres database";

    /// <summary>A session whose project has a backup agent that leaves a marker file when it runs.</summary>
    private PsSession SessionWithBackupAgent(string name = "quokka-backup")
    {
        var s = fx.NewSession();
        TestAgents.WriteProjectAgent(s.WorkingDirectory, name, $"""
            name: {name}
            description: Takes a dump of the quokka PostgreSQL database and keeps it in the backup folder.
            tags: [database, backup, quokka]
            steps:
              - name: dump
                shell: echo dumped > marker.txt
            """);
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "quokka-cert", """
            name: quokka-cert
            description: Renews the TLS certificates of the quokka web servers.
            tags: [certificates, quokka]
            steps:
              - name: renew
                shell: echo renewed
            """);
        return s;
    }

    private string PlanFile(string planId) => Path.Combine(fx.Home, "plans", planId + ".json");

    [Fact]
    public void WhatIfShowsThePlanAndRunsNothing()
    {
        using var s = SessionWithBackupAgent();
        var r = s.Run($"Invoke-KubiyaExec '{Prompt}' -Local -WhatIf").Ok();
        var plan = r.Single();
        Assert.Equal("Kubiya.Core.Planning.KubiyaPlan", plan.BaseObject.GetType().FullName);
        var id = (string)plan.Properties["PlanId"].Value;
        Assert.Equal("quokka-backup", plan.Properties["Agent"].Value);
        Assert.Contains(r.Information, i => i.MessageData.ToString()!.StartsWith("Agent     quokka-backup (runbook), selected by ranker"));
        Assert.False(File.Exists(s.PathOf("marker.txt")), "-WhatIf ran a step");
        Assert.False(File.Exists(PlanFile(id)), "-WhatIf saved the plan");
        var executions = s.Run($"@(Get-KubiyaExecution | Where-Object PlanId -eq '{id}').Count").Ok();
        Assert.Equal(0, (int)executions.Single().BaseObject);
    }

    [Fact]
    public void APlannedRunRecordsApprovalTimeAndExecutionInTheSavedPlan()
    {
        using var s = SessionWithBackupAgent();
        var r = s.Run($"Invoke-KubiyaExec '{Prompt}' -Local -Yes").Ok();
        Assert.Equal("Completed", r.Prop<string>("Status"));
        Assert.Equal("quokka-backup", r.Prop<string>("Agent"));
        var planId = r.Prop<string>("PlanId");
        var execId = r.Prop<string>("Id");
        Assert.StartsWith("plan-", planId);
        Assert.True(File.Exists(s.PathOf("marker.txt")));

        var saved = s.Run($"Get-KubiyaPlan -PlanId {planId}").Ok().Single();
        Assert.Equal(execId, saved.Properties["ExecutionId"].Value);
        Assert.True((bool)saved.Properties["Approved"].Value);
        Assert.NotNull(saved.Properties["ExecutedAt"].Value);
        Assert.NotNull(saved.Properties["ApprovedAt"].Value);
        // The execution carries the plan id in its memo, so any machine can tell it was planned.
        Assert.Equal(planId, s.Run($"(Get-KubiyaExecution -Id {execId}).PlanId").Ok().Single().BaseObject);
    }

    [Fact]
    public void NewKubiyaPlanPipesIntoInvokeKubiyaExec()
    {
        using var s = SessionWithBackupAgent();
        var r = s.Run($"$p = New-KubiyaPlan '{Prompt}' -Local; $e = $p | Invoke-KubiyaExec -Yes; $p.PlanId; $e.PlanId; $e.Status.ToString()").Ok();
        Assert.Equal(r.Output[0].BaseObject, r.Output[1].BaseObject);
        Assert.Equal("Completed", r.Output[2].BaseObject);
        Assert.True(File.Exists(s.PathOf("marker.txt")));
    }

    [Fact]
    public void WithoutYesNobodyCanApproveSoNothingRunsAndThePlanIsKept()
    {
        using var s = SessionWithBackupAgent();
        var r = s.Run($"Invoke-KubiyaExec '{Prompt}' -Local");
        var error = Assert.Single(r.Errors);
        Assert.StartsWith("PlanApprovalRequired", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.Contains("-Yes", error.Exception.Message);
        Assert.False(File.Exists(s.PathOf("marker.txt")));
        Assert.Empty(r.Output);
        var planId = System.Text.RegularExpressions.Regex.Match(error.Exception.Message, "plan-[0-9a-f]{12}").Value;
        Assert.True(File.Exists(PlanFile(planId)), "the refused plan is saved for review");
        Assert.False((bool)s.Run($"(Get-KubiyaPlan {planId}).Approved").Ok().Single().BaseObject);
        // Approving it later runs exactly that plan.
        var run = s.Run($"Invoke-KubiyaExec -PlanFile {planId} -Yes").Ok();
        Assert.Equal(planId, run.Prop<string>("PlanId"));
        Assert.True(File.Exists(s.PathOf("marker.txt")));
    }

    [Fact]
    public void AChangedAgentNeedsApprovalAgainAndAMissingOneIsAgentNotFound()
    {
        using var s = SessionWithBackupAgent();
        var planId = s.Run($"(New-KubiyaPlan '{Prompt}' -Local).PlanId").Ok().Single().BaseObject.ToString()!;
        var file = TestAgents.WriteProjectAgent(s.WorkingDirectory, "quokka-backup", """
            name: quokka-backup
            description: Takes a dump of the quokka PostgreSQL database and keeps it in the backup folder.
            tags: [database, backup, quokka]
            steps:
              - name: dump
                shell: echo changed > marker.txt
            """);
        var changed = s.Run($"Invoke-KubiyaExec -PlanFile {planId}");
        Assert.StartsWith("PlanAgentChanged", Assert.Single(changed.Errors).FullyQualifiedErrorId);
        Assert.Contains("'quokka-backup' changed since the plan was made", changed.Errors[0].Exception.Message);
        Assert.False(File.Exists(s.PathOf("marker.txt")));

        Assert.Equal("Completed", s.Run($"Invoke-KubiyaExec -PlanFile {planId} -Yes").Ok().Prop<string>("Status"));
        Assert.Equal("changed", File.ReadAllText(s.PathOf("marker.txt")).Trim());

        File.Delete(file);
        var missing = s.Run($"Invoke-KubiyaExec -PlanFile {planId} -Yes");
        var e = Assert.Single(missing.Errors);
        Assert.StartsWith("AgentNotFound", e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, e.CategoryInfo.Category);
    }

    [Fact]
    public void PlanFileErrorsHaveTheirOwnIds()
    {
        using var s = SessionWithBackupAgent();
        File.WriteAllText(s.PathOf("broken.json"), "{ \"schemaVersion\": 1,");
        File.WriteAllText(s.PathOf("future.json"), "{ \"schemaVersion\": 7 }");
        (string Source, string Id, ErrorCategory Category)[] cases =
        {
            ("./missing.json", "PlanNotFound", ErrorCategory.ObjectNotFound),
            ("broken.json", "PlanInvalidJson", ErrorCategory.ParserError),
            ("future.json", "PlanSchemaVersionUnsupported", ErrorCategory.ParserError),
        };
        foreach (var c in cases)
        {
            var r = s.Run($"Invoke-KubiyaExec -PlanFile {c.Source} -Yes");
            var e = Assert.Single(r.Errors);
            Assert.StartsWith(c.Id, e.FullyQualifiedErrorId);
            Assert.Equal(c.Category, e.CategoryInfo.Category);
            Assert.DoesNotContain("Exception", e.Exception.Message);
        }
    }

    [Fact]
    public void NothingFitsIsNoAgentMatchedAndTheBuiltInsAreNeverPicked()
    {
        using var s = SessionWithBackupAgent();
        var r = s.Run("Invoke-KubiyaExec 'order pizza for the team lunch' -Local -Yes");
        var e = Assert.Single(r.Errors);
        Assert.StartsWith("NoAgentMatched", e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, e.CategoryInfo.Category);
        var builtIn = s.Run("Invoke-KubiyaExec 'run the prompt as a shell command' -Local -Yes");
        Assert.DoesNotContain(builtIn.Output, o => o.Properties["Agent"]?.Value is "shell" or "powershell");
    }

    [Fact]
    public void EstimatesComeFromThisAgentsPastRuns()
    {
        var name = ModuleFixture.Unique("quokka-backup");
        using var s = SessionWithBackupAgent(name);
        var before = s.Run($"(New-KubiyaPlan '{Prompt}' -Local -WhatIf).Estimate").Ok().Single();
        Assert.Null(before.Properties["DurationP50Seconds"].Value);
        Assert.Contains($"no history yet for '{name}'", before.Properties["Basis"].Value.ToString());
        s.Run($"1..2 | ForEach-Object {{ Invoke-KubiyaExec -Agent {name} 'x' -Local -Yes }} | Out-Null").Ok();
        var after = s.Run($"(New-KubiyaPlan '{Prompt}' -Local -WhatIf).Estimate").Ok().Single();
        Assert.Equal(2, (int)after.Properties["HistorySamples"].Value);
        Assert.NotNull(after.Properties["DurationP50Seconds"].Value);
        Assert.True((double)after.Properties["DurationP90Seconds"].Value >= (double)after.Properties["DurationP50Seconds"].Value);
    }

    [Fact]
    public void PlanViewsTargetThePlanTypeAndGetKubiyaPlanListsSavedPlans()
    {
        using var s = SessionWithBackupAgent();
        // Format-Table is not in this engine-only host (tests/Pester/Planning.Tests.ps1 renders the
        // views in a real pwsh at 80 columns); here: the views select the real type.
        var r = s.Run($"$p = New-KubiyaPlan '{Prompt}' -Local; $p.GetType().FullName; (Get-Module Kubiya).ExportedFormatFiles[0]; @(Get-KubiyaPlan | Where-Object PlanId -eq $p.PlanId).Count; @(Get-KubiyaPlan -PlanId 'plan-*').Count -ge 1").Ok();
        var format = System.Xml.Linq.XDocument.Load(r.Output[1].ToString()!);
        var views = format.Descendants("View").Where(v => v.Descendants("TypeName").Any(t => t.Value == r.Output[0].ToString())).ToList();
        Assert.Equal(2, views.Count);
        Assert.Equal(new[] { "PlanId", "Agent", "Queue", "Approved", "Title" }, views[0].Descendants("Label").Select(l => l.Value));
        // Fixed columns plus separators leave the title at least 20 of 80 columns.
        var fixedWidth = views[0].Descendants("Width").Sum(w => int.Parse(w.Value));
        Assert.True(fixedWidth + 5 + 20 <= 80, $"fixed columns take {fixedWidth}");
        Assert.NotNull(views[1].Element("ListControl"));
        Assert.Equal(1, (int)r.Output[2].BaseObject);
        Assert.True((bool)r.Output[3].BaseObject);

        var missing = s.Run("Get-KubiyaPlan -PlanId plan-000000000000");
        Assert.StartsWith("PlanNotFound", Assert.Single(missing.Errors).FullyQualifiedErrorId);
        var fromFile = s.Run($"New-KubiyaPlan '{Prompt}' -Local -SavePlan ./mine.json | Out-Null; (Get-KubiyaPlan -Source ./mine.json).Agent").Ok();
        Assert.Equal("quokka-backup", fromFile.Single().BaseObject);
    }
}
