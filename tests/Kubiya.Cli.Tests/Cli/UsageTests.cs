using Kubiya.Cli.Tests.Infrastructure;

namespace Kubiya.Cli.Tests.Cli;

/// <summary>Usage errors: exit code 2 and one readable line on stderr, nothing on stdout.</summary>
[Collection(CliCollection.Name)]
[Trait("Category", "Cli")]
public sealed class UsageTests(CliFixture fx)
{
    [Theory]
    [InlineData("exec agent shell", "Required argument 'prompt' missing")]
    [InlineData("exec agent shell x --bogus", "Unrecognized command or argument '--bogus'")]
    [InlineData("exec agent shell x --priority urgent", "urgent")]
    [InlineData("agent list --output xml", "xml")]
    [InlineData("worker start", "Option '--queue-id' is required")]
    [InlineData("worker start --queue-id q --type docker", "docker")]
    [InlineData("nosuchcommand", "nosuchcommand")]
    public async Task ParseErrorsExitTwoWithOneLine(string commandLine, string expected)
    {
        var r = (await fx.Env.RunAsync(commandLine.Split(' '))).Exit(2);
        var lines = r.Stderr.Trim().Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("kubiya: error: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.Contains("--help", lines[0]);
        Assert.Equal("", r.Stdout);
    }

    [Theory]
    [InlineData("[PlanFileWithPrompt]", "exec", "do something", "--plan-file", "plan.json", "--local")]
    [InlineData("[AgentAndTeam]", "exec", "x", "--agent", "shell", "--team", "pair", "--local")]
    [InlineData("[LocalNoWait]", "exec", "agent", "shell", "x", "--local", "--no-wait")]
    [InlineData("[InvalidStatus]", "execution", "list", "--status", "Sleeping")]
    [InlineData("[InvalidQueueId]", "worker", "status", "--queue-id", "a/b")]
    [InlineData("[InvalidDaemonOption]", "worker", "start", "--queue-id", "q", "-d", "--max-log-size", "10")]
    public async Task InvalidArgumentsFoundByTheRuntimeAlsoExitTwo(string errorId, params string[] args)
    {
        var r = (await fx.Env.RunAsync(args)).Exit(2);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains(errorId, r.Stderr);
    }

    [Fact]
    public async Task HelpListsTheCommandsAndExitsZero()
    {
        var r = (await fx.Env.RunAsync("--help")).Exit(0);
        foreach (var c in new[] { "exec", "worker", "execution", "agent", "server" }) Assert.Contains(c, r.Stdout);
        Assert.DoesNotMatch(@"(?m)^\s+supervise\b", (await fx.Env.RunAsync("worker", "--help")).Exit(0).Stdout);
    }
}
