using System.Text.Json;
using Kubiya.Cli.Tests.Infrastructure;

namespace Kubiya.Cli.Tests.Reliability;

/// <summary>A step retried on another worker after its first worker was killed (kill -9): each attempt has its own start, number and output.</summary>
[Collection(CliCollection.Name)]
[Trait("Category", "Reliability")]
public sealed class RetriedAttemptLogTests(CliFixture fx)
{
    [Fact]
    public async Task EachAttemptGetsItsOwnStartEventNumberAndOutputLines()
    {
        var queue = CliFixture.Unique("retryq");
        var agent = CliFixture.Unique("retried");
        var marker = Path.Combine(Path.GetTempPath(), "kubiya-retry-" + Guid.NewGuid().ToString("N"));
        // A 12 s heartbeat timeout (4 intervals): short enough to notice the killed worker soon,
        // long enough that the fresh second worker's first heartbeat is never late on a loaded
        // machine (a late one would time attempt 2 out and make a third).
        var env = fx.Env.With("STEP_HEARTBEAT_INTERVAL", "3");
        fx.WriteAgent(agent, $"name: {agent}\nsteps:\n  - name: work\n    shell: 'if [ -f {marker} ]; then echo second-attempt-line; else touch {marker}; echo first-attempt-line; sleep 300; fi'\n");
        using var first = env.Start(new[] { "worker", "start", "--queue-id", queue });
        await first.WaitForLineAsync(l => l.Contains($"polling queue '{queue}'"));
        var id = (await env.RunAsync("exec", "agent", agent, "x", "--queue", queue, "--no-wait")).Exit(0).Stdout.Trim();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        // The output line itself, not the StepStarted entry that quotes the command.
        static bool HasFirstLine(string logs) => logs.Split('\n').Any(l => l.Trim() == "first-attempt-line");
        while (!HasFirstLine((await env.RunAsync("execution", "logs", id)).Stdout) && DateTime.UtcNow < deadline) await Task.Delay(300);
        first.Signal("KILL");
        await first.WaitForExitAsync(TimeSpan.FromSeconds(30));
        using var second = env.Start(new[] { "worker", "start", "--queue-id", queue });
        try
        {
            var watched = (await env.RunAsync(new[] { "execution", "watch", id }, null, TimeSpan.FromSeconds(120))).Exit(0);
            // One JSON object per entry, one per line.
            var logs = (await env.RunAsync("execution", "logs", id, "-o", "json")).Exit(0).Stdout
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            string Kind(JsonElement e) => e.GetProperty("kind").GetString()!;
            int? Attempt(JsonElement e) => e.GetProperty("attempt").ValueKind == JsonValueKind.Number ? e.GetProperty("attempt").GetInt32() : null;
            var starts = logs.Where(e => Kind(e) == "StepStarted").ToList();
            Assert.Equal(new int?[] { 1, 2 }, starts.Select(Attempt).ToArray());
            var firstLine = Assert.Single(logs, e => e.GetProperty("text").GetString() == "first-attempt-line");
            var secondLine = Assert.Single(logs, e => e.GetProperty("text").GetString() == "second-attempt-line");
            Assert.Equal(1, Attempt(firstLine));
            Assert.Equal(2, Attempt(secondLine));
            Assert.Equal(2, Attempt(Assert.Single(logs, e => Kind(e) == "StepCompleted")));
            Assert.Contains("attempt 2", starts[1].GetProperty("text").GetString());
            Assert.DoesNotContain("if [ -f", (await env.RunAsync("execution", "get", id, "-o", "json")).Exit(0).Json.GetProperty("output").GetString());
        }
        finally
        {
            second.Signal("TERM");
            await second.WaitForExitAsync(TimeSpan.FromSeconds(60));
            File.Delete(marker);
        }
    }
}
