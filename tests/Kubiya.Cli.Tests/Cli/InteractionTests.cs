using System.Text.RegularExpressions;
using Kubiya.Cli.Tests.Infrastructure;

namespace Kubiya.Cli.Tests.Cli;

/// <summary>Approval steps: prompts on stdin, --yes, and KUBIYA_NON_INTERACTIVE never prompting.</summary>
[Collection(CliCollection.Name)]
[Trait("Category", "Cli")]
public sealed class InteractionTests(CliFixture fx)
{
    [Fact]
    public async Task AnApprovalIsAnsweredFromStdin()
    {
        var r = (await fx.Env.RunAsync(new[] { "exec", "agent", "approve", "go", "--local" }, "yes\n")).Exit(0);
        Assert.Contains("Go ahead? [yes/no]:", r.Stderr);
        Assert.Equal("approved-run", r.Stdout.Trim());
    }

    [Fact]
    public async Task YesApprovesWithoutReadingStdin()
    {
        var r = (await fx.Env.RunAsync(new[] { "exec", "agent", "approve", "go", "--local", "--yes" }, "no\n")).Exit(0);
        Assert.DoesNotContain("[yes/no]", r.Stderr);
        Assert.Contains("auto-approved", r.Stderr);
        Assert.Equal("approved-run", r.Stdout.Trim());
    }

    [Fact]
    public async Task NonInteractiveNeverPromptsAndTheExecutionWaitsForAnAnswerFromElsewhere()
    {
        var env = fx.Env.With("KUBIYA_NON_INTERACTIVE", "true");
        // "no" on stdin would reject the step if it were read.
        using var exec = env.Start(new[] { "exec", "agent", "approve", "go", "--local", "--approval-timeout", "60" }, "no\n");
        var warning = await exec.WaitForLineAsync(l => l.Contains("Not prompting (non-interactive)"), stderr: true);
        Assert.DoesNotContain("[yes/no]", exec.Stderr);
        var id = Regex.Match(warning, @"exec-\w+").Value;
        var waiting = (await env.RunAsync("execution", "get", id, "-o", "json")).Exit(0).Json;
        Assert.Equal("WaitingForInput", waiting.GetProperty("status").GetString());
        Assert.Equal("Go ahead?", waiting.GetProperty("question").GetString());
        (await env.RunAsync("execution", "input", id, "yes")).Exit(0);
        var r = (await exec.WaitForExitAsync(TimeSpan.FromSeconds(60))).Exit(0);
        Assert.Equal("approved-run", r.Stdout.Trim());
    }

    [Fact]
    public async Task ANonInteractiveLocalRunThatNeedsApprovalFailsAtOnceWithExit4()
    {
        var started = DateTime.UtcNow;
        var r = (await fx.Env.With("KUBIYA_NON_INTERACTIVE", "true").RunAsync(new[] { "exec", "agent", "approve", "go", "--local" }, "yes\n", TimeSpan.FromSeconds(60))).Exit(4);
        Assert.Contains("[ApprovalRequired]", r.Stderr);
        Assert.DoesNotContain("approved-run", r.Stdout);
        var id = Regex.Match(r.Stderr, @"exec-\w+").Value;
        var info = (await fx.Env.RunAsync("execution", "get", id, "-o", "json")).Exit(0).Json;
        Assert.Equal("Cancelled", info.GetProperty("status").GetString());
        Assert.Contains("needs approval", info.GetProperty("error").GetString());
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30), "failed fast");
    }

    [Fact]
    public async Task AnUnansweredApprovalOfAQueuedRunReturnsWaitingForInputWithExit4()
    {
        var q = CliFixture.Unique("approve-q");
        using var worker = fx.Env.Start(new[] { "worker", "start", "--queue-id", q });
        await worker.WaitForLineAsync(l => l.Contains($"polling queue '{q}'"));
        var r = (await fx.Env.RunAsync(new[] { "exec", "agent", "approve", "go", "--queue", q, "--non-interactive", "--approval-timeout", "2" }, null, TimeSpan.FromSeconds(60))).Exit(4);
        Assert.Contains("kubiya execution input", r.Stderr);
        var id = Regex.Match(r.Stderr, @"exec-\w+").Value;
        Assert.Equal("WaitingForInput", (await fx.Env.RunAsync("execution", "get", id, "-o", "json")).Exit(0).Json.GetProperty("status").GetString());
        (await fx.Env.RunAsync("execution", "input", id, "yes")).Exit(0);
        worker.Signal("TERM");
        await worker.WaitForExitAsync(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task TheNonInteractiveFlagAlsoNeverPrompts()
    {
        using var exec = fx.Env.Start(new[] { "exec", "agent", "approve", "go", "--local", "--non-interactive", "--approval-timeout", "60" }, "yes\n");
        await exec.WaitForLineAsync(l => l.Contains("Not prompting (non-interactive)"), stderr: true);
        exec.Signal("INT");
        (await exec.WaitForExitAsync(TimeSpan.FromSeconds(60))).Exit(130);
    }
}
