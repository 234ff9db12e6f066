using Kubiya.Cli.Tests.Infrastructure;

namespace Kubiya.Cli.Tests.Cli;

/// <summary>Usage errors: exit code 2 and one readable line on stderr, nothing on stdout.</summary>
[Collection(CliCollection.Name)]
[Trait("Category", "Cli")]
public sealed class UsageTests(CliFixture fx)
{
    [Theory]
    [InlineData("exec agent shell", "Required argument 'prompt' missing")]
    [InlineData("exec agent shell x --bogus", "Unknown option '--bogus'")]
    [InlineData("exec --bogus --agent shell", "Unknown option '--bogus' for 'kubiya exec'")]
    [InlineData("exec --agent shell --nope x", "Unknown option '--nope'")]
    [InlineData("schedule list --bogus", "Unknown option '--bogus' for 'kubiya schedule list'")]
    [InlineData("exec agent shell x --priority urgent", "urgent")]
    [InlineData("agent list --output xml", "xml")]
    [InlineData("worker start --queue-id q --type kubernetes", "kubernetes")]
    [InlineData("nosuchcommand", "nosuchcommand")]
    [InlineData("execution list --limit abc", "'abc' is not a valid value for --limit: it must be a whole number")]
    [InlineData("exec agent shell x --approval-timeout soon", "'soon' is not a valid value for --approval-timeout: it must be a whole number")]
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
    [InlineData("execution list --limit abc")]
    [InlineData("worker start --queue-id q -d --max-log-backups many")]
    [InlineData("exec agent shell x --approval-timeout soon")]
    public async Task ParseErrorsNameNoDotNetTypes(string commandLine)
    {
        var r = (await fx.Env.RunAsync(commandLine.Split(' '))).Exit(2);
        Assert.DoesNotContain("System.", r.Stderr);
        Assert.DoesNotContain("expected type", r.Stderr);
    }

    [Fact]
    public async Task AValueThatStartsWithADashGoesAfterDoubleDash()
    {
        var r = (await fx.Env.RunAsync("exec", "--agent", "shell", "--local", "--yes", "-o", "json", "--", "-x; echo dash-ok")).Exit(1);
        Assert.Equal("-x; echo dash-ok", r.Json.GetProperty("prompt").GetString());
    }

    [Fact]
    public async Task MessagesGiveTheCliSyntaxNotPowerShells()
    {
        // No queue anywhere: the advice names --queue and --local.
        var noQueue = (await fx.Env.RunAsync("exec", "--agent", "shell", "echo x")).Exit(2);
        Assert.Contains("[QueueRequired]", noQueue.Stderr);
        Assert.Contains("(--queue)", noQueue.Stderr);
        Assert.Contains("(--local)", noQueue.Stderr);
        Assert.DoesNotMatch(@"(?<!-)-(Queue|Local)\b", noQueue.Stderr);

        // A prompt nothing fits: planning says so first, and names --agent.
        var noFit = (await fx.Env.RunAsync("exec", "qzxv wlorp frumble")).Exit(1);
        Assert.Single(noFit.Stderr.Trim().Split('\n'));
        Assert.Contains("[NoAgentMatched]", noFit.Stderr);
        Assert.DoesNotContain("QueueRequired", noFit.Stderr);
        Assert.Contains("--agent", noFit.Stderr);
        Assert.DoesNotMatch(@"(?<!-)-Agent\b", noFit.Stderr);

        var notATeam = (await fx.Env.RunAsync("exec", "team", "shell", "x", "--local")).Exit(2);
        Assert.Contains("use --agent", notATeam.Stderr);
    }

    [Theory]
    [InlineData("[PlanFileWithPrompt]", "exec", "do something", "--plan-file", "plan.json", "--local")]
    [InlineData("[AgentAndTeam]", "exec", "x", "--agent", "shell", "--team", "pair", "--local")]
    [InlineData("[LocalNoWait]", "exec", "agent", "shell", "x", "--local", "--no-wait")]
    [InlineData("[InvalidStatus]", "execution", "list", "--status", "Sleeping")]
    [InlineData("[InvalidQueueId]", "worker", "status", "--queue-id", "a/b")]
    [InlineData("[InvalidQueueId]", "exec", "agent", "shell", "x", "--queue", "a/b", "--no-wait")]
    [InlineData("[InvalidQueueId]", "schedule", "create", "s", "--cron", "0 * * * *", "--agent", "shell", "--prompt", "x", "--queue", "a/b")]
    [InlineData("[InvalidDaemonOption]", "worker", "start", "--queue-id", "q", "-d", "--max-log-size", "10")]
    public async Task InvalidArgumentsFoundByTheRuntimeAlsoExitTwo(string errorId, params string[] args)
    {
        var r = (await fx.Env.RunAsync(args)).Exit(2);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains(errorId, r.Stderr);
    }

    [Fact]
    public async Task MissingTeamsAndModelFilesAreNamedInTheirOwnTerms()
    {
        var team = (await fx.Env.RunAsync("exec", "team", "no-such-crew", "x", "--local")).Exit(1);
        // Other tests of this fixture add teams of their own, so the list is checked for the fixture's team, not whole.
        Assert.Matches(@"No team named 'no-such-crew'\. Known teams: ([^,.]+, )*pair\b", team.Stderr);
        Assert.Contains("[AgentNotFound]", team.Stderr);
        var models = (await fx.Env.RunAsync("exec", "agent", "shell", "echo never", "--local", "--proxy-config-file", "no-such-models.yaml")).Exit(1);
        Assert.Single(models.Stderr.Trim().Split('\n'));
        Assert.Contains("no-such-models.yaml' does not exist. [ModelConfigNotFound]", models.Stderr);
        Assert.DoesNotContain("never", models.Stdout);
    }

    [Fact]
    public async Task HelpListsTheCommandsAndExitsZero()
    {
        var r = (await fx.Env.RunAsync("--help")).Exit(0);
        foreach (var c in new[] { "exec", "worker", "execution", "agent", "server" }) Assert.Contains(c, r.Stdout);
        Assert.DoesNotMatch(@"(?m)^\s+supervise\b", (await fx.Env.RunAsync("worker", "--help")).Exit(0).Stdout);
    }
}
