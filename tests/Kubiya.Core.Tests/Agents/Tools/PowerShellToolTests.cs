using System.Diagnostics;
using Kubiya.Core.Activities;
using Kubiya.Core.Agents.Llm.Tools;

namespace Kubiya.Core.Tests.Agents.Tools;

/// <summary>A real pwsh 7.6.9, installed as the PowerShell dotnet tool into a temporary folder for these tests.</summary>
public sealed class PwshFixture : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("kubiya-pwsh-").FullName;

    public PwshFixture()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "tool", "install", "--tool-path", folder, "PowerShell", "--version", "7.6.9" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3))) p.Kill(true);
        Pwsh = Path.Combine(folder, OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh");
        if (!File.Exists(Pwsh)) throw new InvalidOperationException($"installing pwsh failed: {output.Result} {error.Result}");
    }

    public string Pwsh { get; }

    public void Dispose()
    {
        try { Directory.Delete(folder, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>The powershell tool through a real pwsh process, as a worker with pwsh runs it.</summary>
[Trait("Category", "Agents")]
public sealed class PowerShellToolTests : IClassFixture<PwshFixture>, IDisposable
{
    private readonly ToolWorkspace ws = new();
    private readonly ToolRunner runner;

    public PowerShellToolTests(PwshFixture pwsh)
    {
        runner = new ToolRunner(null, script => CommandLocator.PowerShell(script, pwsh.Pwsh));
    }

    public void Dispose()
    {
        runner.Dispose();
        ws.Dispose();
    }

    private Task<ToolResult> RunAsync(string script, double timeoutSeconds = 120) =>
        runner.RunAsync(ws.Request(BuiltInTools.PowerShell, new { script }, timeoutSeconds), (line, isError) => { lock (ws.Lines) ws.Lines.Add((line, isError)); }, default);

    [Fact]
    public async Task AScriptRunsInTheWorkingDirectoryWithTheAgentsEnvironment()
    {
        ws.Write("data.csv", "name,size\na,1\nb,2\n");
        ws.Env["STAGE"] = "test";
        var r = await RunAsync("$rows = Import-Csv data.csv; \"rows=$($rows.Count) stage=$env:STAGE\"; (Get-Location).Path");
        Assert.False(r.IsError, r.Output);
        Assert.Contains("rows=2 stage=test", r.Output);
        Assert.Contains(new WorkspacePaths(ws.Root).Root, r.Output);
        Assert.Contains(("rows=2 stage=test", false), ws.Lines);
    }

    [Fact]
    public async Task AnErrorOrANativeExitCodeFailsTheCall()
    {
        var thrown = await RunAsync("Write-Output 'started'; Get-Item ./does-not-exist.txt; Write-Output 'never'");
        Assert.True(thrown.IsError);
        Assert.NotEqual(0, thrown.ExitCode);
        Assert.Contains("started", thrown.Output);
        Assert.DoesNotContain("never", thrown.Output);

        var native = await RunAsync("bash -c 'exit 7'");
        Assert.True(native.IsError);
        Assert.Equal(7, native.ExitCode);
    }

    [Fact]
    public async Task ThePolicyAppliesToScripts()
    {
        ws.Policy.Deny.Add("Remove-Item *");
        ws.Write("keep.txt", "x");
        var r = await RunAsync("Write-Output hi; Remove-Item keep.txt");
        Assert.True(r.IsError);
        Assert.Contains("deny pattern 'Remove-Item *'", r.Output);
        Assert.True(File.Exists(ws.PathOf("keep.txt")));
    }
}
