using Kubiya.Cli.Tests.Infrastructure;

namespace Kubiya.Cli.Tests.Cli;

/// <summary>
/// Ctrl+C pressed in a real terminal while <c>kubiya exec --local</c> runs a step (SIGINT reaches
/// the terminal's whole foreground process group), and <c>kubiya execution terminate</c>.
/// </summary>
[Collection(CliCollection.Name)]
[Trait("Category", "Interruption")]
public sealed class InterruptionTests(CliFixture fx)
{
    [Fact]
    public async Task CtrlCDuringLocalExecEndsCancelledWithNoProcessLeft()
    {
        var token = CliFixture.Unique("cli-ctrlc");
        var cwd = Path.Combine(fx.Home, token);
        Directory.CreateDirectory(cwd);
        var command = string.Join(" ", new[] { "dotnet", CliPaths.Dll, "exec", "agent", "shell", $"echo $KUBIYA_EXECUTION_ID > id.txt; sleep 120 # {token}", "--local" }
            .Select(Terminal.Quote)) + "; echo \"exit=$?\"";
        using var terminal = Terminal.Start($"bash -c {Terminal.Quote(command + "; sleep 600")}", cwd, fx.Env.Variables.ToDictionary(kv => kv.Key, kv => kv.Value));
        var id = await FileWait.ReadWhenWrittenAsync(Path.Combine(cwd, "id.txt"));
        Assert.NotEmpty(ProcessScan.WithToken(token, except: "exit="));

        terminal.CtrlC();

        await terminal.WaitForAsync("exit=", TimeSpan.FromSeconds(60));
        Assert.Contains("exit=130", terminal.Screen());
        var info = (await fx.Env.RunAsync("execution", "get", id, "-o", "json")).Exit(0).Json;
        Assert.Equal("Cancelled", info.GetProperty("status").GetString());
        // The terminal's own shell (which typed the command) carries the token too.
        var left = await ProcessScan.WaitGoneAsync(token, TimeSpan.FromSeconds(10), except: "exit=");
        Assert.True(left.Count == 0, "processes left behind:\n" + ProcessScan.Describe(left));
    }

    [Fact]
    public async Task TerminateEndsARunNobodyServesWithTheReason()
    {
        var q = CliFixture.Unique("cli-nobody");
        var id = (await fx.Env.RunAsync("exec", "agent", "shell", "echo never", "--queue", q, "--no-wait", "-o", "json")).Exit(0).Json.GetProperty("id").GetString()!;

        (await fx.Env.RunAsync("execution", "terminate", id, "--reason", "queue retired")).Exit(0);

        var info = (await fx.Env.RunAsync("execution", "get", id, "-o", "json")).Exit(0).Json;
        Assert.Equal("Cancelled", info.GetProperty("status").GetString());
        Assert.Contains("queue retired", info.GetProperty("error").GetString());
        var again = await fx.Env.RunAsync("execution", "terminate", id);
        again.Exit(1);
        Assert.Contains("already ended", again.Stderr);
    }
}
