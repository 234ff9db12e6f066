using System.Text.Json;
using Kubiya.Cli.Tests.Infrastructure;

namespace Kubiya.Cli.Tests.Cli;

/// <summary>kubiya exec: the forms, live output, exit codes and the JSON shape.</summary>
[Collection(CliCollection.Name)]
[Trait("Category", "Cli")]
public sealed class ExecTests(CliFixture fx)
{
    /// <summary>The documented field order of an execution in json / yaml output.</summary>
    public static readonly string[] ExecutionFields =
    {
        "id", "status", "agent", "team", "queue", "worker", "priority", "prompt", "createdAt", "startedAt", "completedAt",
        "durationMs", "output", "error", "parentExecutionId", "environment", "workingDirectory", "question", "progress",
        "errorId", "model", "turns", "toolCalls", "inputTokens", "outputTokens", "costUsd", "planId", "waitingOn",
    };

    [Fact]
    public async Task LocalExecPrintsOneJsonObjectWithTheDocumentedShape()
    {
        var r = (await fx.Env.RunAsync("exec", "agent", "shell", "echo kubiya-ok", "--local", "--yes", "--output", "json")).Exit(0);
        var json = r.Json;
        Assert.Equal(JsonValueKind.Object, json.ValueKind);
        Assert.Equal(ExecutionFields, json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Completed", json.GetProperty("status").GetString());
        Assert.Contains("kubiya-ok", json.GetProperty("output").GetString());
        Assert.Equal("shell", json.GetProperty("agent").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("team").ValueKind);
        Assert.Equal("medium", json.GetProperty("priority").GetString());
        Assert.StartsWith("exec-", json.GetProperty("id").GetString());
        Assert.StartsWith("local-", json.GetProperty("queue").GetString());
        Assert.True(json.GetProperty("durationMs").GetInt64() >= 0);
        Assert.True(DateTimeOffset.TryParse(json.GetProperty("completedAt").GetString(), out _));
        Assert.EndsWith("Z", json.GetProperty("createdAt").GetString());
        // The live log went to stderr, so stdout stayed one document.
        Assert.Contains("Execution completed", r.Stderr);
    }

    [Fact]
    public async Task TextModeStreamsStepOutputToStdoutWhileItRuns()
    {
        using var p = fx.Env.Start(new[] { "exec", "agent", "shell", "echo first-line; sleep 4; echo second-line", "--local", "--yes" });
        await p.WaitForLineAsync(l => l == "first-line");
        Assert.False(p.HasExited, "the first line arrived while the step was still running");
        Assert.DoesNotContain("second-line", p.Stdout);
        var r = (await p.WaitForExitAsync()).Exit(0);
        // stdout holds just the step's output; events and the summary are on stderr.
        Assert.Equal("first-line\nsecond-line", r.Stdout.Trim());
        Assert.Contains("Step 'shell'", r.Stderr);
        Assert.Matches(@"Execution exec-\w+ Completed in", r.Stderr);
    }

    [Fact]
    public async Task AFailedStepExitsOneAndSaysWhy()
    {
        var r = (await fx.Env.RunAsync("exec", "agent", "shell", "echo partial; exit 3", "--local", "--yes")).Exit(1);
        Assert.Equal("partial", r.Stdout.Trim());
        Assert.Contains("exited with code 3", r.Stderr);
        Assert.Matches(@"Execution exec-\w+ Failed", r.Stderr);
        var json = (await fx.Env.RunAsync("exec", "agent", "shell", "exit 4", "--local", "-o", "json")).Exit(1).Json;
        Assert.Equal("Failed", json.GetProperty("status").GetString());
        Assert.Contains("exited with code 4", json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task AgentAndTeamOptionsAndTheDirectTeamFormRunTheSameWay()
    {
        var byOption = (await fx.Env.RunAsync("exec", "echo by-option", "--agent", "shell", "--local", "--yes", "-o", "json")).Exit(0).Json;
        Assert.Contains("by-option", byOption.GetProperty("output").GetString());
        var team = (await fx.Env.RunAsync("exec", "team", "pair", "anything", "--local", "--yes", "-o", "json")).Exit(0).Json;
        Assert.Equal("pair", team.GetProperty("team").GetString());
        var output = team.GetProperty("output").GetString()!;
        Assert.True(output.IndexOf("from-first", StringComparison.Ordinal) < output.IndexOf("from-second", StringComparison.Ordinal), output);
        var teamOption = (await fx.Env.RunAsync("exec", "anything", "--team", "pair", "--local", "-o", "json")).Exit(0).Json;
        Assert.Equal("Completed", teamOption.GetProperty("status").GetString());
    }

    [Fact]
    public async Task CwdIsWhereStepsRunAndAMissingOneIsAUsageError()
    {
        var dir = Directory.CreateTempSubdirectory("kubiya-cwd-").FullName;
        try
        {
            var r = (await fx.Env.RunAsync("exec", "agent", "shell", "pwd", "--local", "--cwd", dir, "-o", "json")).Exit(0);
            Assert.Equal(dir, r.Json.GetProperty("output").GetString()!.Trim());
            Assert.Equal(dir, r.Json.GetProperty("workingDirectory").GetString());
            var missing = (await fx.Env.RunAsync("exec", "agent", "shell", "pwd", "--local", "--cwd", Path.Combine(dir, "nope"))).Exit(2);
            Assert.Contains("WorkingDirectoryNotFound", missing.Stderr);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task PriorityAndParentExecutionAreRecorded()
    {
        var parent = (await fx.Env.RunAsync("exec", "agent", "shell", "echo parent-out", "--local", "-o", "json")).Exit(0).Json;
        var parentId = parent.GetProperty("id").GetString()!;
        var child = (await fx.Env.RunAsync("exec", "agent", "shell", "echo child", "--local", "--priority", "high", "--parent-execution", parentId, "-o", "json")).Exit(0).Json;
        Assert.Equal("high", child.GetProperty("priority").GetString());
        Assert.Equal(parentId, child.GetProperty("parentExecutionId").GetString());
        (await fx.Env.RunAsync("exec", "agent", "shell", "echo x", "--local", "--parent-execution", "exec-doesnotexist")).Exit(1);
    }

    [Fact]
    public async Task UnknownAgentFailsWithTheKnownNames()
    {
        var r = (await fx.Env.RunAsync("exec", "agent", "nosuchagent", "x", "--local")).Exit(1);
        Assert.Contains("No agent named 'nosuchagent'", r.Stderr);
        Assert.Contains("[AgentNotFound]", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task YamlOutputCarriesTheSameFields()
    {
        var r = (await fx.Env.RunAsync("exec", "agent", "shell", "echo yaml-ok", "--local", "-o", "yaml")).Exit(0);
        var keys = r.Stdout.Split('\n').Where(l => l.Length > 0 && !char.IsWhiteSpace(l[0]) && l.Contains(':')).Select(l => l[..l.IndexOf(':')]).ToList();
        Assert.Equal(ExecutionFields, keys);
        Assert.Contains("status: Completed", r.Stdout);
        Assert.Contains("yaml-ok", r.Stdout);
    }

    [Fact]
    public async Task CtrlCCancelsTheLocalExecutionAndExits130()
    {
        using var p = fx.Env.Start(new[] { "exec", "agent", "shell", "echo started-sleeping; sleep 60", "--local" });
        await p.WaitForLineAsync(l => l == "started-sleeping");
        var id = System.Text.RegularExpressions.Regex.Match(p.Stderr, @"exec-\w+").Value;
        p.Signal("INT");
        var r = (await p.WaitForExitAsync(TimeSpan.FromSeconds(60))).Exit(130);
        Assert.Contains("interrupted", r.Stderr);
        var get = (await fx.Env.RunAsync("execution", "get", id, "-o", "json")).Exit(0).Json;
        Assert.Equal("Cancelled", get.GetProperty("status").GetString());
    }

    [Fact]
    public async Task AnUnreachableServerExitsThree()
    {
        var r = (await fx.Env.With("KUBIYA_TEMPORAL_ADDRESS", "127.0.0.1:1").RunAsync("exec", "agent", "shell", "echo x", "--local")).Exit(3);
        Assert.Contains("[TemporalUnreachable]", r.Stderr);
        // The reason in the user's terms, not the transport's debug text.
        Assert.Contains("Cannot reach Temporal at 127.0.0.1:1 (namespace 'default'): connection refused", r.Stderr);
        Assert.DoesNotContain("tonic", r.Stderr);
        Assert.DoesNotContain("Os {", r.Stderr);
        (await fx.Env.With("KUBIYA_TEMPORAL_ADDRESS", "127.0.0.1:1").RunAsync("execution", "list")).Exit(3);
    }
}
