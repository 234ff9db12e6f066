using System.Text.Json;
using Kubiya.Cli.Tests.Infrastructure;

namespace Kubiya.Cli.Tests.Cli;

/// <summary>kubiya schedule create|list|get|update|pause|unpause|trigger|delete against a real server and worker.</summary>
[Collection(CliCollection.Name)]
[Trait("Category", "Cli")]
public sealed class ScheduleTests(CliFixture fx)
{
    [Fact]
    public async Task CreateGetUpdatePauseUnpauseAndDeleteSpeakJson()
    {
        var name = CliFixture.Unique("nightly");
        var created = (await fx.Env.RunAsync("schedule", "create", name, "--cron", "0 2 * * *", "--timezone", "America/New_York",
            "--agent", "first", "--prompt", "clean up", "--queue", "q-none", "--overlap", "bufferall", "-o", "json")).Exit(0).Json;
        Assert.Equal(name, created.GetProperty("name").GetString());
        Assert.Equal("0 2 * * *", created.GetProperty("spec").GetString());
        Assert.Equal("America/New_York", created.GetProperty("timeZone").GetString());
        Assert.Equal("BufferAll", created.GetProperty("overlap").GetString());
        Assert.Equal("first", created.GetProperty("agent").GetString());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("team").ValueKind);
        Assert.False(created.GetProperty("paused").GetBoolean());
        var next = DateTimeOffset.Parse(created.GetProperty("nextRun").GetString()!);
        Assert.Equal(2, TimeZoneInfo.ConvertTime(next, TimeZoneInfo.FindSystemTimeZoneById("America/New_York")).Hour);
        Assert.Equal(10, created.GetProperty("nextRuns").GetArrayLength());

        var paused = (await fx.Env.RunAsync("schedule", "pause", name, "--note", "holidays", "-o", "json")).Exit(0).Json;
        Assert.True(paused.GetProperty("paused").GetBoolean());
        Assert.Equal("holidays", paused.GetProperty("note").GetString());
        var listed = (await fx.Env.RunAsync("schedule", "list")).Exit(0).Stdout;
        Assert.Matches(@"(?m)^NAME\s+SPEC\s+NEXT RUN\s+LAST RESULT\s+PAUSED", listed);
        Assert.Matches($@"(?m)^{name}\s+0 2 \* \* \* America/New_York\s+-\s+-\s+yes", listed);
        Assert.False((await fx.Env.RunAsync("schedule", "unpause", name, "-o", "json")).Exit(0).Json.GetProperty("paused").GetBoolean());

        var updated = (await fx.Env.RunAsync("schedule", "update", name, "--every", "90m", "--prompt", "clean more", "-o", "json")).Exit(0).Json;
        Assert.Equal("every 1h30m", updated.GetProperty("spec").GetString());
        Assert.Equal("clean more", updated.GetProperty("prompt").GetString());
        Assert.Equal("first", updated.GetProperty("agent").GetString());
        Assert.Contains("Spec:         every 1h30m", (await fx.Env.RunAsync("schedule", "get", name)).Exit(0).Stdout);

        var deleted = (await fx.Env.RunAsync("schedule", "delete", name, "-o", "json")).Exit(0).Json;
        Assert.True(deleted.GetProperty("deleted").GetBoolean());
        var gone = (await fx.Env.RunAsync("schedule", "get", name)).Exit(1);
        Assert.Contains("[ScheduleNotFound]", gone.Stderr);
        Assert.Single(gone.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task AnAgentNobodyHereKnowsIsAWarningAndTheScheduleIsCreated()
    {
        var name = CliFixture.Unique("typo");
        var r = (await fx.Env.RunAsync("schedule", "create", name, "--cron", "0 3 * * *", "--agent", "frist", "--prompt", "x", "--queue", "q", "-o", "json")).Exit(0);
        Assert.Equal("frist", r.Json.GetProperty("agent").GetString());
        Assert.Contains("No agent named 'frist' is known here (known: ", r.Stderr);
        Assert.Contains("unless the workers of queue 'q' have it when it fires", r.Stderr);
        var ok = (await fx.Env.RunAsync("schedule", "create", name + "-ok", "--cron", "0 3 * * *", "--agent", "first", "--prompt", "x", "--queue", "q")).Exit(0);
        Assert.DoesNotContain("is known here", ok.Stderr);
        (await fx.Env.RunAsync("schedule", "delete", name)).Exit(0);
        (await fx.Env.RunAsync("schedule", "delete", name + "-ok")).Exit(0);
    }

    [Fact]
    public async Task UpdatingToAnAgentNobodyHereKnowsWarnsAsCreateDoes()
    {
        var name = CliFixture.Unique("retarget");
        (await fx.Env.RunAsync("schedule", "create", name, "--cron", "0 3 * * *", "--agent", "first", "--prompt", "x", "--queue", "q-upd")).Exit(0);
        try
        {
            var typo = (await fx.Env.RunAsync("schedule", "update", name, "--agent", "frist", "-o", "json")).Exit(0);
            Assert.Equal("frist", typo.Json.GetProperty("agent").GetString());
            Assert.Contains("No agent named 'frist' is known here (known: ", typo.Stderr);
            Assert.Contains("unless the workers of queue 'q-upd' have it when it fires", typo.Stderr);
            var team = (await fx.Env.RunAsync("schedule", "update", name, "--team", "no-such-crew")).Exit(0);
            Assert.Contains("No team named 'no-such-crew' is known here (known: ", team.Stderr);
            Assert.DoesNotContain("is known here", (await fx.Env.RunAsync("schedule", "update", name, "--agent", "first")).Exit(0).Stderr);
            Assert.DoesNotContain("is known here", (await fx.Env.RunAsync("schedule", "update", name, "--note", "moved")).Exit(0).Stderr);
        }
        finally
        {
            await fx.Env.RunAsync("schedule", "delete", name);
        }
    }

    [Fact]
    public async Task BadInputFailsWithOneReadableLine()
    {
        var minute = (await fx.Env.RunAsync("schedule", "create", CliFixture.Unique("bad"), "--cron", "61 * * * *", "--agent", "first", "--prompt", "x", "--queue", "q")).Exit(2);
        Assert.Contains("minute value 61 is out of range 0-59", minute.Stderr);
        Assert.Contains("[InvalidSchedule]", minute.Stderr);
        var both = (await fx.Env.RunAsync("schedule", "create", CliFixture.Unique("bad"), "--agent", "first", "--prompt", "x", "--queue", "q")).Exit(2);
        Assert.Contains("[SpecRequired]", both.Stderr);
        var overlap = (await fx.Env.RunAsync("schedule", "create", CliFixture.Unique("bad"), "--every", "5m", "--agent", "first", "--prompt", "x", "--queue", "q", "--overlap", "sometimes")).Exit(2);
        Assert.Contains("[InvalidOverlap]", overlap.Stderr);
        foreach (var r in new[] { minute, both, overlap })
        {
            Assert.Single(r.Stderr.Trim().Split('\n'));
            Assert.DoesNotContain("Exception", r.Stderr);
        }
    }

    [Fact]
    public async Task TriggerRunsTheAgentOnAWorkerAndTheExecutionNamesItsSchedule()
    {
        var name = CliFixture.Unique("now");
        var queue = CliFixture.Unique("q");
        using var worker = fx.Env.Start(new[] { "worker", "start", "--queue-id", queue });
        await worker.WaitForLineAsync(l => l.Contains($"polling queue '{queue}'"));
        (await fx.Env.RunAsync("schedule", "create", name, "--cron", "0 0 1 1 *", "--paused", "--agent", "second", "--prompt", "go", "--queue", queue)).Exit(0);
        var triggered = (await fx.Env.RunAsync("schedule", "trigger", name, "-o", "json")).Exit(0).Json;
        var id = triggered.GetProperty("lastExecutionId").GetString()!;
        Assert.StartsWith(name + "-", id);
        var watched = (await fx.Env.RunAsync("execution", "watch", id)).Exit(0);
        Assert.Contains("from-second", watched.Stdout);
        var after = (await fx.Env.RunAsync("schedule", "get", name, "-o", "json")).Exit(0).Json;
        Assert.Equal("Completed", after.GetProperty("lastResult").GetString());
        Assert.Equal(1, after.GetProperty("runs").GetInt64());
        Assert.True(after.GetProperty("paused").GetBoolean());
        (await fx.Env.RunAsync("schedule", "delete", name)).Exit(0);
        worker.Signal("TERM");
        (await worker.WaitForExitAsync(TimeSpan.FromSeconds(60))).Exit(0);
    }
}
