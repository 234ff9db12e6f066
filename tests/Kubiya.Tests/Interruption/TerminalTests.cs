using Kubiya.Tests.Infrastructure;
using Kubiya.Tests.PowerShell;

namespace Kubiya.Tests.Interruption;

/// <summary>
/// What a user sees in a real terminal (tmux running the pinned pwsh): the progress bar while an
/// execution runs, colours only where the host renders them, and none in redirected output or
/// with <c>$PSStyle.OutputRendering = 'PlainText'</c>.
/// </summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "Interruption")]
public sealed class TerminalTests(ModuleFixture fx)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(90);
    private const char Esc = '\u001b';

    private static Dictionary<string, string?> Env() => new()
    {
        ["KUBIYA_HOME"] = Environment.GetEnvironmentVariable("KUBIYA_HOME"),
        ["KUBIYA_TEMPORAL_ADDRESS"] = Environment.GetEnvironmentVariable("KUBIYA_TEMPORAL_ADDRESS"),
        ["STEP_HEARTBEAT_INTERVAL"] = Environment.GetEnvironmentVariable("STEP_HEARTBEAT_INTERVAL"),
        ["QUEUE_ID"] = null,
        ["NO_COLOR"] = null,
    };

    private static async Task<Terminal> PwshAsync(PsSession s)
    {
        var terminal = Terminal.Start(RealPwsh.CommandLine("-NoLogo", "-NoProfile"), s.WorkingDirectory, Env());
        await terminal.WaitForAsync("PS ", Long);
        // Markers are computed, so the typed command line itself never matches them.
        terminal.TypeLine($"Import-Module '{RepoPaths.ModuleDir}'; 'module-' + 'loaded'");
        await terminal.WaitForAsync("module-loaded", Long);
        return terminal;
    }

    [Fact]
    public async Task TheProgressBarShowsTheRunningStepWhileItRuns()
    {
        using var s = fx.NewSession();
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "slow", "name: slow\nsteps:\n  - name: nap\n    shell: echo napping > began.txt; sleep 8\n  - name: wake\n    shell: echo awake\n");
        using var terminal = await PwshAsync(s);

        terminal.TypeLine("$e = Invoke-KubiyaExec -Agent slow 'go' -Local; 'exec-' + $e.Status");
        await FileWait.ReadWhenWrittenAsync(s.PathOf("began.txt"));

        await terminal.WaitForAsync("step 1 of 2: nap", TimeSpan.FromSeconds(6));
        Assert.Matches(@"Execution exec-[0-9a-f]{16} \(agent slow\)", terminal.Screen());
        await terminal.WaitForAsync("exec-Completed", Long);
    }

    [Fact]
    public async Task RedirectedOutputAndPlainTextRenderingCarryNoEscapes()
    {
        using var s = fx.NewSession();
        using var terminal = await PwshAsync(s);

        // Into files from an interactive pwsh: every stream, a table, a failure's error record.
        terminal.TypeLine("$e = Invoke-KubiyaExec -Agent shell 'echo to-a-file' -Local *> all.txt; Get-KubiyaExecution -First 3 > table.txt; Invoke-KubiyaExec -Agent shell 'echo boom >&2; exit 2' -Local *> failed.txt; 'files-' + 'written'");
        await terminal.WaitForAsync("files-written", Long);
        foreach (var (file, expected) in new[] { ("all.txt", "to-a-file"), ("table.txt", "Completed"), ("failed.txt", "exited with code 2") })
        {
            var text = await File.ReadAllTextAsync(s.PathOf(file));
            Assert.True(text.Contains(expected), $"{file} lacks '{expected}': [{text}]\n{terminal.Screen()}");
            Assert.False(text.Contains(Esc), $"{file} holds escape sequences:\n{text.Replace(Esc, '^')}");
        }

        // On the terminal itself the host colours the table header ...
        terminal.TypeLine("'BEGIN-HOST'; Get-KubiyaExecution -First 2 | Format-Table; 'END-' + 'HOST'");
        await terminal.WaitForAsync("\nEND-HOST", Long);
        var host = terminal.RowsBetween("BEGIN-HOST", "END-HOST");
        Assert.Contains(host, r => r.Contains(Esc));

        // ... and PlainText turns that off for the module's views, errors and log lines alike.
        terminal.TypeLine("$PSStyle.OutputRendering = 'PlainText'; 'BEGIN-PLAIN'; Get-KubiyaExecution -First 2 | Format-Table; Invoke-KubiyaExec -Agent shell 'exit 3' -Local; 'END-' + 'PLAIN'");
        await terminal.WaitForAsync("\nEND-PLAIN", Long);
        var plain = terminal.RowsBetween("BEGIN-PLAIN", "END-PLAIN");
        Assert.Contains(plain, r => r.Contains("exited with code 3"));
        Assert.Contains(plain, r => r.Contains("Status"));
        Assert.False(plain.Any(r => r.Contains(Esc)), "PlainText output holds escape sequences:\n" + string.Join("\n", plain).Replace(Esc, '^'));
    }

    [Fact]
    public async Task APwshWhoseStandardOutputIsAFileWritesNoEscapes()
    {
        using var s = fx.NewSession();
        var psi = RealPwsh.StartInfo(s.WorkingDirectory, "-NoLogo", "-NoProfile", "-NonInteractive", "-Command",
            $"Import-Module '{RepoPaths.ModuleDir}'; Invoke-KubiyaExec -Agent shell 'echo piped-out' -Local | Format-List Id, Status, Output; Invoke-KubiyaExec -Agent shell 'exit 5' -Local");
        psi.Environment.Remove("NO_COLOR");
        using var pwsh = System.Diagnostics.Process.Start(psi)!;
        var stdout = pwsh.StandardOutput.ReadToEndAsync();
        var stderr = pwsh.StandardError.ReadToEndAsync();
        using (var cts = new CancellationTokenSource(Long)) await pwsh.WaitForExitAsync(cts.Token);
        var all = await stdout + await stderr;
        Assert.Contains("piped-out", all);
        Assert.Contains("exited with code 5", all);
        Assert.False(all.Contains(Esc), "redirected output holds escape sequences:\n" + all.Replace(Esc, '^'));

        // Colours asked for explicitly are kept.
        var ansi = RealPwsh.StartInfo(s.WorkingDirectory, "-NoLogo", "-NoProfile", "-NonInteractive", "-Command",
            $"$PSStyle.OutputRendering = 'Ansi'; Import-Module '{RepoPaths.ModuleDir}'; $PSStyle.OutputRendering; Invoke-KubiyaExec -Agent shell 'echo coloured' -Local | Format-List Id, Status");
        ansi.Environment.Remove("NO_COLOR");
        using var coloured = System.Diagnostics.Process.Start(ansi)!;
        var text = await coloured.StandardOutput.ReadToEndAsync();
        using (var cts = new CancellationTokenSource(Long)) await coloured.WaitForExitAsync(cts.Token);
        Assert.StartsWith("Ansi", text.TrimStart());
        Assert.Contains(Esc, text);
    }
}
