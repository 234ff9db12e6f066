using System.Management.Automation;

namespace Kubiya.Tests.PowerShell;

/// <summary>
/// Get-KubiyaWorker after a worker went away: the server lists its poller for minutes, but this
/// machine knows it stopped (Stop-Job, Stop-KubiyaWorker, a killed process). Queue ids are checked
/// where every worker starts.
/// </summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "PowerShell")]
public sealed class WorkerStateTests(ModuleFixture fx)
{
    [Fact]
    public void AStoppedAndRemovedSessionWorkerIsListedStoppedNotPolling()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("q");
        var r = s.Run($"""
            $w = Start-KubiyaWorker -QueueId {q}
            $id = $w.Identity
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            do {"{"} [Threading.Thread]::Sleep(200); $seen = @(Get-KubiyaWorker -QueueId {q} | Where-Object Source -eq Server) {"}"} until ($seen.Count -gt 0 -or [DateTime]::UtcNow -gt $deadline)
            Stop-Job $w
            Remove-Job $w
            $after = @(Get-KubiyaWorker -QueueId {q} | Where-Object Identity -eq $id)
            $after.Count
            $after.Source
            $after.State
            """).Ok();
        // The server still reports the poller (that is the lag), and it says Stopped.
        Assert.Equal(1, (int)r.Output[0].BaseObject);
        Assert.Equal("Server", r.Output[1].ToString());
        Assert.Equal("Stopped", r.Output[2].ToString());
    }

    [Fact]
    public async Task AKilledWorkerProcessOfThisHostIsListedStopped()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("q");
        using var other = WorkerProcess.Start(q);
        var polling = s.Run($"$deadline = [DateTime]::UtcNow.AddSeconds(60); do {{ [Threading.Thread]::Sleep(300); $p = @(Get-KubiyaWorker -QueueId {q} | Where-Object State -in 'Polling', 'Running') }} until ($p.Count -gt 0 -or [DateTime]::UtcNow -gt $deadline); $p.Identity", TimeSpan.FromSeconds(90)).Ok();
        var identity = Assert.Single(polling.Output).ToString();
        Assert.StartsWith($"{other.Pid}@", identity);

        await other.KillAsync();

        var r = s.Run($"Get-KubiyaWorker -QueueId {q} | Where-Object Identity -eq '{identity}' | ForEach-Object State").Ok();
        Assert.Equal("Stopped", Assert.Single(r.Output).ToString());
    }

    [Fact]
    public void AStoppedWorkerDoesNotCountAsServingItsQueue()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("q");
        var r = s.Run($"$w = Start-KubiyaWorker -QueueId {q}; Stop-Job $w; Remove-Job $w; Invoke-KubiyaExec -Agent shell 'echo x' -Queue {q} -Cwd . -NoWait | ForEach-Object Status").Ok();
        Assert.Equal("Pending", r.Single().ToString());
        Assert.Contains(r.Warnings, w => w.Message.Contains($"No worker polls queue '{q}'"));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("x\\y")]
    public void AQueueIdThatCannotBeAFolderIsRefusedBeforeAnyWorkerStarts(string queue)
    {
        using var s = fx.NewSession();
        var r = s.Run($"Start-KubiyaWorker -QueueId '{queue}'; @(Get-Job).Count");
        var error = Assert.Single(r.Errors);
        Assert.StartsWith("InvalidQueueId,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains($"Queue id '{queue}' is not valid", error.ToString());
        Assert.Equal(0, (int)r.Output.Single().BaseObject);
        Assert.False(Directory.Exists(Path.Combine(fx.Home, "workers", "a")), "a folder was made for the bad queue id");
    }
}
