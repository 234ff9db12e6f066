namespace Kubiya.Tests.PowerShell;

/// <summary>Get-KubiyaExecutionLog: durable, ordered, live with -Follow, readable after the worker is gone.</summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "PowerShell")]
public sealed class LogTests(ModuleFixture fx)
{
    [Fact]
    public void LogHasStartStepsOutputAndResultInOrder()
    {
        using var s = fx.NewSession();
        var r = s.Run("$e = Invoke-KubiyaExec -Agent shell 'echo one; echo two' -Local; Get-KubiyaExecutionLog -Id $e.Id").Ok();
        var kinds = r.Output.Select(o => o.Properties["Kind"].Value.ToString()).ToList();
        Assert.Equal(new[] { "Started", "StepStarted", "Output", "Output", "StepCompleted", "Completed" }, kinds);
        Assert.Equal("one", r.Output[2].Properties["Text"].Value);
        Assert.Equal("shell", r.Output[2].Properties["Step"].Value);
        Assert.Equal("Kubiya.Core.Logs.LogEntry", r.Output[0].BaseObject.GetType().FullName);
    }

    [Fact]
    public void ManyLinesAreBatchedIntoFewSignals()
    {
        using var s = fx.NewSession();
        var r = s.Run("$e = Invoke-KubiyaExec -Agent shell 'for i in $(seq 1 500); do echo line$i; done' -Local; $e.Id; @(Get-KubiyaExecutionLog -Id $e.Id | Where-Object Kind -eq 'Output').Count").Ok();
        Assert.Equal(500, (int)r.Output[1].BaseObject);
        var id = r.Output[0].ToString();
        var history = fx.Client.GetWorkflowHandle(id).FetchHistoryAsync().GetAwaiter().GetResult();
        var signals = history.Events.Count(e => e.WorkflowExecutionSignaledEventAttributes != null);
        Assert.InRange(signals, 5, 25);
    }

    [Fact]
    public void FollowStreamsUntilTheExecutionEnds()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("q");
        var r = s.Run($"Start-KubiyaWorker -QueueId {q} | Out-Null; $e = Invoke-KubiyaExec -Agent shell 'echo a; sleep 2; echo b' -Queue {q} -Cwd . -NoWait; Get-KubiyaExecutionLog -Id $e.Id -Follow | ForEach-Object Text").Ok();
        var lines = r.Output.Select(o => o.ToString()).ToList();
        Assert.Contains("a", lines);
        Assert.Contains("b", lines);
        Assert.Equal("Execution completed", lines[^1]);
    }

    [Fact]
    public void LogIsReadableAfterTheWorkerIsGone()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("q");
        var id = s.Run($"$w = Start-KubiyaWorker -QueueId {q}; $e = Invoke-KubiyaExec -Agent shell 'echo durable' -Queue {q} -Cwd .; Stop-Job $w; Remove-Job $w; $e.Id").Ok().Single().ToString();
        using var elsewhere = fx.NewSession();
        var r = elsewhere.Run($"Get-KubiyaExecutionLog -Id {id} | Where-Object Kind -eq 'Output' | ForEach-Object Text").Ok();
        Assert.Equal("durable", r.Single().ToString());
    }

    [Fact]
    public void LogOfAnUnknownExecutionIsNotFound()
    {
        using var s = fx.NewSession();
        var r = s.Run("Get-KubiyaExecutionLog -Id exec-missing");
        Assert.StartsWith("ExecutionNotFound,", Assert.Single(r.Errors).FullyQualifiedErrorId);
    }
}
