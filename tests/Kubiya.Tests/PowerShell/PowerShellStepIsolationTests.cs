using Kubiya.Tests.Infrastructure;

namespace Kubiya.Tests.PowerShell;

/// <summary>
/// PowerShell steps of a worker started from the module run in their own pwsh process, never in
/// the worker's: they get the worker's environment without the product's credentials (this
/// fixture's KUBIYA_API_KEY is the server token), and what they set stays out of the worker.
/// This engine-only host is no pwsh: the first test runs the module in a real pwsh, the second puts
/// the real pwsh on PATH, as an installed one is.
/// </summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "Security")]
public sealed class PowerShellStepIsolationTests(ModuleFixture fx) : IDisposable
{
    private readonly string? path = Environment.GetEnvironmentVariable("PATH");
    private readonly string shimDir = PwshShim();

    private static string PwshShim()
    {
        var dir = Path.Combine(Path.GetTempPath(), "kubiya-pwsh-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        var shim = Path.Combine(dir, "pwsh");
        File.WriteAllText(shim, $"#!/bin/sh\nexec dotnet '{RealPwsh.PwshDll}' \"$@\"\n");
        File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Environment.SetEnvironmentVariable("PATH", dir + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"));
        return dir;
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("PATH", path);
        try { Directory.Delete(shimDir, recursive: true); } catch (IOException) { }
    }

    /// <summary>
    /// The module in a real pwsh that is not on PATH (the PowerShell dotnet tool, as here): the
    /// step runs in a second pwsh started from the worker's own, not in the worker's runspace.
    /// </summary>
    [Fact]
    public async Task APowerShellStepRunsInItsOwnProcessWithoutTheProductsCredentials()
    {
        Assert.False(string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KUBIYA_API_KEY")), "the worker's environment holds the key");
        using var s = fx.NewSession();
        var script = $"Import-Module '{RepoPaths.ModuleDir}'; \"host=$PID\"; " +
            "(Invoke-KubiyaExec -Agent powershell '\"sum=\" + (2 + 3); $env:KUBIYA_AGENT; if ($env:KUBIYA_API_KEY) { \"key=visible\" } else { \"key=withheld\" }; \"pid=$PID\"' -Local).Output";
        var psi = RealPwsh.StartInfo(s.WorkingDirectory, "-NoLogo", "-NoProfile", "-NonInteractive", "-OutputFormat", "Text", "-Command", script);
        // No pwsh on PATH: only the worker's own PowerShell can run the step.
        psi.Environment["PATH"] = string.Join(Path.PathSeparator, (path ?? "").Split(Path.PathSeparator)
            .Where(d => d.Length > 0 && !File.Exists(Path.Combine(d, "pwsh"))));
        using var pwsh = System.Diagnostics.Process.Start(psi)!;
        var stdout = pwsh.StandardOutput.ReadToEndAsync();
        var stderr = pwsh.StandardError.ReadToEndAsync();
        Assert.True(pwsh.WaitForExit(180_000), "pwsh did not finish");
        var lines = (await stdout).Replace("\r", "").Split('\n').Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith("[", StringComparison.Ordinal)).ToArray(); // not the progress lines
        // host=PID, the step's live output, then the execution's Output (its last four lines).
        Assert.True(pwsh.ExitCode == 0 && lines.Length >= 5, string.Join("\n", lines) + "\n" + await stderr);
        Assert.StartsWith("host=", lines[0]);
        Assert.Equal(new[] { "sum=5", "powershell", "key=withheld" }, lines[^4..^1]);
        Assert.StartsWith("pid=", lines[^1]);
        Assert.NotEqual(lines[0].Substring(5), lines[^1].Substring(4));
    }

    [Fact]
    public void WhatAPowerShellStepSetsStaysOutOfTheWorkersEnvironment()
    {
        using var s = fx.NewSession();
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "envstep", """
            name: envstep
            env:
              KUBIYA_TEST_STEP_ONLY: from-the-agent
            steps:
              - powershell: '"agent=$env:KUBIYA_TEST_STEP_ONLY"; $env:KUBIYA_TEST_SET_BY_STEP = "set"'
            """);
        var r = s.Run("Invoke-KubiyaExec -Agent envstep 'go' -Local", TimeSpan.FromSeconds(180)).Ok();
        Assert.Equal("Completed", r.Prop<string>("Status"));
        Assert.Equal("agent=from-the-agent", r.Prop<string>("Output").Trim());
        Assert.Null(Environment.GetEnvironmentVariable("KUBIYA_TEST_STEP_ONLY"));
        Assert.Null(Environment.GetEnvironmentVariable("KUBIYA_TEST_SET_BY_STEP"));
    }
}
