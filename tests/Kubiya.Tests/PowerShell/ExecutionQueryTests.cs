using System.Management.Automation;

namespace Kubiya.Tests.PowerShell;

/// <summary>Get-KubiyaExecution: by id (describe) and listed through visibility queries.</summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "PowerShell")]
public sealed class ExecutionQueryTests(ModuleFixture fx)
{
    [Fact]
    public void GetByIdReturnsTheTypedExecutionWithEveryProperty()
    {
        using var s = fx.NewSession();
        var r = s.Run("$e = Invoke-KubiyaExec -Agent shell 'echo typed' -Local -Priority high; Get-KubiyaExecution -Id $e.Id").Ok();
        var o = r.Single();
        foreach (var p in new[] { "Id", "Status", "Agent", "Team", "Queue", "Worker", "Priority", "Prompt", "CreatedAt", "StartedAt", "CompletedAt", "Duration", "Output", "Error", "ParentExecutionId" })
            Assert.NotNull(o.Properties[p]);
        Assert.Equal("Completed", r.Prop<string>("Status"));
        Assert.Equal("High", r.Prop<string>("Priority"));
        Assert.Equal("echo typed", r.Prop<string>("Prompt"));
        Assert.Equal("typed", r.Prop<string>("Output").Trim());
        var created = r.Prop<DateTimeOffset>("CreatedAt");
        var started = r.Prop<DateTimeOffset>("StartedAt");
        var completed = r.Prop<DateTimeOffset>("CompletedAt");
        Assert.True(created <= started && started <= completed, $"{created} <= {started} <= {completed}");
    }

    [Fact]
    public void IdBindsFromThePipelineByPropertyName()
    {
        using var s = fx.NewSession();
        var r = s.Run("$e = Invoke-KubiyaExec -Agent shell 'echo piped' -Local; $e | Get-KubiyaExecution | ForEach-Object Id; $e.Id").Ok();
        Assert.Equal(r.Output[1].ToString(), r.Output[0].ToString());
    }

    [Fact]
    public void UnknownIdsWriteNotFoundErrorsAndKnownOnesStillCome()
    {
        using var s = fx.NewSession();
        var r = s.Run("$e = Invoke-KubiyaExec -Agent shell 'echo ok' -Local; Get-KubiyaExecution -Id 'exec-nope', $e.Id");
        Assert.Single(r.Output);
        var err = Assert.Single(r.Errors);
        Assert.StartsWith("ExecutionNotFound,", err.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, err.CategoryInfo.Category);
        Assert.Equal("exec-nope", err.TargetObject);
    }

    [Fact]
    public void ListingFiltersFailedExecutionsWithWhereObject()
    {
        using var s = fx.NewSession();
        var r = s.Run("""
            $ok = Invoke-KubiyaExec -Agent shell 'echo fine' -Local
            $bad = Invoke-KubiyaExec -Agent shell 'exit 9' -Local -ErrorAction SilentlyContinue
            $failed = @(Get-KubiyaExecution | Where-Object Status -eq 'Failed')
            ($failed.Id -contains $bad.Id); ($failed.Id -contains $ok.Id)
            """).Ok();
        Assert.True((bool)r.Output[0].BaseObject, "the failed execution is listed");
        Assert.False((bool)r.Output[1].BaseObject, "the completed one is filtered out");
    }

    [Fact]
    public void ListingFiltersServerSideByStatusAgentQueueAndFirst()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("q");
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "lister", "name: lister\nsteps:\n  - shell: echo listed\n");
        var r = s.Run($$"""
            Start-KubiyaWorker -QueueId {{q}} | Out-Null
            $a = Invoke-KubiyaExec -Agent lister 'one' -Queue {{q}} -Cwd .
            $b = Invoke-KubiyaExec -Agent shell 'exit 2' -Queue {{q}} -Cwd . -ErrorAction SilentlyContinue
            @(Get-KubiyaExecution -Queue {{q}}).Count
            @(Get-KubiyaExecution -Queue {{q}} -Status Failed).Id -join ','
            @(Get-KubiyaExecution -Queue {{q}} -Agent lister).Id -join ','
            @(Get-KubiyaExecution -Queue {{q}} -First 1).Count
            @(Get-KubiyaExecution -Queue {{q}} -Since ([DateTime]::Now.AddMinutes(5))).Count
            $a.Id; $b.Id
            """).Ok();
        Assert.Equal(2, (int)r.Output[0].BaseObject);
        Assert.Equal(r.Output[6].ToString(), r.Output[1].ToString());
        Assert.Equal(r.Output[5].ToString(), r.Output[2].ToString());
        Assert.Equal(1, (int)r.Output[3].BaseObject);
        Assert.Equal(0, (int)r.Output[4].BaseObject);
        // The agent is also a registered keyword search attribute, so -Agent filters on the server.
        var desc = fx.Client.GetWorkflowHandle(r.Output[5].ToString()).DescribeAsync().GetAwaiter().GetResult();
        Assert.Equal("lister", desc.TypedSearchAttributes.Get(Temporalio.Common.SearchAttributeKey.CreateKeyword("KubiyaAgent")));
    }
}
