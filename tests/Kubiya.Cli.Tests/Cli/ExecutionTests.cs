using System.Text.Json;
using Kubiya.Cli.Tests.Infrastructure;

namespace Kubiya.Cli.Tests.Cli;

/// <summary>kubiya execution list / get / logs / cancel / watch.</summary>
[Collection(CliCollection.Name)]
[Trait("Category", "Cli")]
public sealed class ExecutionTests(CliFixture fx)
{
    [Fact]
    public async Task ListFiltersByStatusAndAgentAndHonoursTheLimit()
    {
        (await fx.Env.RunAsync("exec", "agent", "shell", "echo listed-ok", "--local")).Exit(0);
        (await fx.Env.RunAsync("exec", "agent", "shell", "exit 1", "--local")).Exit(1);
        (await fx.Env.RunAsync("exec", "team", "pair", "x", "--local")).Exit(0);
        var failed = (await fx.Env.RunAsync("execution", "list", "--status", "Failed", "-o", "json")).Exit(0).Json;
        Assert.Equal(JsonValueKind.Array, failed.ValueKind);
        Assert.NotEmpty(failed.EnumerateArray());
        Assert.All(failed.EnumerateArray(), e => Assert.Equal("Failed", e.GetProperty("status").GetString()));
        Assert.Equal(ExecTests.ExecutionFields, failed[0].EnumerateObject().Select(p => p.Name));
        var two = (await fx.Env.RunAsync("execution", "list", "--limit", "2", "-o", "json")).Exit(0).Json;
        Assert.Equal(2, two.GetArrayLength());
        var shell = (await fx.Env.RunAsync("execution", "list", "--agent", "shell", "--status", "Completed,Failed", "--limit", "100", "-o", "json")).Exit(0).Json;
        Assert.All(shell.EnumerateArray(), e => Assert.Equal("shell", e.GetProperty("agent").GetString()));
        Assert.Contains(shell.EnumerateArray(), e => e.GetProperty("status").GetString() == "Completed");
        var text = (await fx.Env.RunAsync("execution", "list", "--limit", "3")).Exit(0).Stdout.Split('\n');
        Assert.StartsWith("ID", text[0]);
        Assert.Contains("STATUS", text[0]);
        (await fx.Env.RunAsync("execution", "list", "--limit", "0")).Exit(2);
    }

    [Fact]
    public async Task ListFitsEightyColumnsWithShortIdsThatTheOtherCommandsTakeBack()
    {
        var local = (await fx.Env.RunAsync("exec", "agent", "shell", "echo a prompt long enough to be cut on a narrow terminal", "--local", "-o", "json")).Exit(0).Json.GetProperty("id").GetString()!;
        var queue = CliFixture.Unique("a-queue-with-a-long-name");
        var queued = (await fx.Env.RunAsync("exec", "agent", "shell", "echo queued", "--queue", queue, "--no-wait", "-o", "json")).Exit(0).Json.GetProperty("id").GetString()!;
        try
        {
            var narrow = (await fx.Env.With("COLUMNS", "80").RunAsync("execution", "list", "--limit", "20")).Exit(0).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.All(narrow, l => Assert.True(l.TrimEnd('\r').Length <= 80, $"{l.Length}: {l}"));
            Assert.Matches(@"^ID\s+STATUS\s+AGENT\s+QUEUE\s+CREATED\s+DURATION\s+PROMPT", narrow[0]);
            var shortLocal = local[..13];
            var row = Assert.Single(narrow, l => l.StartsWith(shortLocal + " ", StringComparison.Ordinal));
            // A local run's one-run queue reads "local"; the time is month-day hour:minute; the prompt is cut, not wrapped.
            Assert.Matches(@"^exec-[0-9a-f]{8}\s+Completed\s+shell\s+local\s+\d\d-\d\d \d\d:\d\d\s+\S+\s+echo a.*\.\.\.$", row.TrimEnd('\r'));
            var pending = Assert.Single(narrow, l => l.StartsWith(queued[..13] + " ", StringComparison.Ordinal));
            Assert.Contains("Pending", pending);
            Assert.Contains(queue[..5], pending);                      // a long queue name is cut, not dropped

            // Redirected output (no COLUMNS) keeps whole values, so scripts read whole ids.
            var whole = (await fx.Env.RunAsync("execution", "list", "--limit", "20")).Exit(0).Stdout;
            // (Other tests' runs share the table, so the id column may be wider than this id.)
            Assert.Matches("(?m)^" + local + @"\s+Completed\s", whole);
            Assert.Contains(queue, whole);

            // The short id is accepted wherever an id is.
            Assert.Equal(local, (await fx.Env.RunAsync("execution", "get", shortLocal, "-o", "json")).Exit(0).Json.GetProperty("id").GetString());
            Assert.Contains("a prompt long enough", (await fx.Env.RunAsync("execution", "logs", shortLocal)).Exit(0).Stdout);
            Assert.Equal(queued, (await fx.Env.RunAsync("execution", "cancel", queued[..13], "-o", "json")).Exit(0).Json.GetProperty("id").GetString());
            var missing = (await fx.Env.RunAsync("execution", "get", "exec-ffff0000")).Exit(1);
            Assert.Contains("[ExecutionNotFound]", missing.Stderr);
        }
        finally
        {
            await fx.Env.RunAsync("execution", "terminate", queued, "--reason", "test cleanup");
        }
    }

    [Fact]
    public async Task ListFiltersByTeamAndPagesWithSkipAsTheCmdletDoes()
    {
        var older = (await fx.Env.RunAsync("exec", "team", "pair", "older", "--local", "-o", "json")).Exit(0).Json.GetProperty("id").GetString();
        var newer = (await fx.Env.RunAsync("exec", "team", "pair", "newer", "--local", "-o", "json")).Exit(0).Json.GetProperty("id").GetString();
        (await fx.Env.RunAsync("exec", "agent", "first", "alone", "--local")).Exit(0);
        var team = (await fx.Env.RunAsync("execution", "list", "--team", "pair", "--limit", "100", "-o", "json")).Exit(0).Json;
        Assert.All(team.EnumerateArray(), e => Assert.Equal("pair", e.GetProperty("team").GetString()));
        var ids = team.EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToList();
        Assert.Equal(new[] { newer, older }, ids.Take(2));
        var page1 = (await fx.Env.RunAsync("execution", "list", "--team", "pair", "--limit", "1", "-o", "json")).Exit(0).Json;
        var page2 = (await fx.Env.RunAsync("execution", "list", "--team", "pair", "--limit", "1", "--skip", "1", "-o", "json")).Exit(0).Json;
        Assert.Equal(newer, Assert.Single(page1.EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(older, Assert.Single(page2.EnumerateArray()).GetProperty("id").GetString());
        var recent = (await fx.Env.RunAsync("execution", "list", "--team", "pair", "--since", "10m", "--limit", "100", "-o", "json")).Exit(0).Json;
        Assert.Contains(recent.EnumerateArray(), e => e.GetProperty("id").GetString() == older);
        Assert.Equal(0, (await fx.Env.RunAsync("execution", "list", "--team", "no-such-team", "-o", "json")).Exit(0).Json.GetArrayLength());
        Assert.Equal(0, (await fx.Env.RunAsync("execution", "list", "--schedule", "no-such-schedule", "-o", "json")).Exit(0).Json.GetArrayLength());
        Assert.Contains("[InvalidSkip]", (await fx.Env.RunAsync("execution", "list", "--skip", "-1")).Exit(2).Stderr);
        Assert.Contains("[InvalidSince]", (await fx.Env.RunAsync("execution", "list", "--since", "soon")).Exit(2).Stderr);
        // Kubiya's spelling reads as in the web UI.
        var waiting = (await fx.Env.RunAsync("execution", "list", "--status", "waiting_for_input", "--limit", "100", "-o", "json")).Exit(0).Json;
        Assert.All(waiting.EnumerateArray(), e => Assert.Equal("WaitingForInput", e.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task GetShowsTheWholeOutputAndLogsReadTheHistory()
    {
        var id = (await fx.Env.RunAsync("exec", "agent", "shell", "echo get-line-1; echo get-line-2", "--local", "-o", "json")).Exit(0).Json.GetProperty("id").GetString()!;
        var text = (await fx.Env.RunAsync("execution", "get", id)).Exit(0).Stdout;
        Assert.Contains($"Id:          {id}", text);
        Assert.Contains("Status:      Completed", text);
        Assert.Contains("get-line-1\nget-line-2", text);
        var logs = (await fx.Env.RunAsync("execution", "logs", id)).Exit(0).Stdout;
        Assert.Contains("get-line-1", logs);
        Assert.Contains("Execution completed", logs);
        var records = (await fx.Env.RunAsync("execution", "logs", id, "-o", "json")).Exit(0).Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal("Started", records[0].GetProperty("kind").GetString());
        Assert.Contains(records, e => e.GetProperty("kind").GetString() == "Output" && e.GetProperty("text").GetString() == "get-line-2");
        Assert.Equal("Completed", records[^1].GetProperty("kind").GetString());
        Assert.All(records, e => Assert.Equal(id, e.GetProperty("executionId").GetString()));
    }

    [Fact]
    public async Task UnknownExecutionsAreNotFound()
    {
        foreach (var verb in new[] { "get", "logs", "cancel", "watch" })
        {
            var r = (await fx.Env.RunAsync("execution", verb, "exec-doesnotexist")).Exit(1);
            Assert.Contains("[ExecutionNotFound]", r.Stderr);
        }
    }

    [Fact]
    public async Task APendingExecutionCanBeCancelledAndWatchReportsIt()
    {
        var queue = CliFixture.Unique("late");
        var submitted = (await fx.Env.RunAsync("exec", "agent", "shell", "echo never-runs", "--queue", queue, "--no-wait", "-o", "json")).Exit(0);
        Assert.Equal("Pending", submitted.Json.GetProperty("status").GetString());
        Assert.Contains("No worker polls queue", submitted.Stderr);
        var id = submitted.Json.GetProperty("id").GetString()!;
        using var watch = fx.Env.Start(new[] { "execution", "watch", id });
        await watch.WaitForLineAsync(l => l.Contains($"Execution {id} started"), stderr: true);
        Assert.False(watch.HasExited, "watch follows until the execution ends");
        var cancel = (await fx.Env.RunAsync("execution", "cancel", id)).Exit(0);
        Assert.Contains($"Cancellation requested for {id} (was Pending)", cancel.Stdout);
        // Temporal records the cancellation when a worker next handles the execution.
        using var worker = fx.Env.Start(new[] { "worker", "start", "--queue-id", queue });
        var watched = (await watch.WaitForExitAsync(TimeSpan.FromSeconds(60))).Exit(1);
        Assert.Contains($"Execution {id} Cancelled", watched.Stderr);
        Assert.DoesNotContain("never-runs", watched.Stdout);
        Assert.Equal("Cancelled", (await fx.Env.RunAsync("execution", "get", id, "-o", "json")).Exit(0).Json.GetProperty("status").GetString());
        var again = (await fx.Env.RunAsync("execution", "cancel", id)).Exit(1);
        Assert.Contains("[ExecutionAlreadyFinished]", again.Stderr);
        worker.Signal("TERM");
        (await worker.WaitForExitAsync(TimeSpan.FromSeconds(60))).Exit(0);
    }

    [Fact]
    public async Task AForegroundWorkerServesItsQueueAndDrainsOnSigterm()
    {
        var queue = CliFixture.Unique("fg");
        using var worker = fx.Env.Start(new[] { "worker", "start", "--queue-id", queue });
        await worker.WaitForLineAsync(l => l.Contains($"polling queue '{queue}'"));
        var id = (await fx.Env.RunAsync("exec", "agent", "shell", "echo served-by-foreground; sleep 2", "--queue", queue, "--no-wait")).Exit(0).Stdout.Trim();
        Assert.StartsWith("exec-", id);
        await worker.WaitForLineAsync(l => l.Contains(id) && l.Contains("started"));
        worker.Signal("TERM");
        var stopped = (await worker.WaitForExitAsync(TimeSpan.FromSeconds(60))).Exit(0);
        Assert.Contains("Stopping (termination signal)", stopped.Stdout);
        Assert.Contains($"{id} step 'shell' finished: exit 0", stopped.Stdout);
        var logs = (await fx.Env.RunAsync("execution", "logs", id)).Exit(0).Stdout;
        Assert.Contains("served-by-foreground", logs);
        Assert.DoesNotContain("cancelled", logs);
        Assert.True(File.Exists(Path.Combine(fx.Home, "workers", queue, "logs", "worker.log")), "a foreground worker logs to its file too");
    }
}
