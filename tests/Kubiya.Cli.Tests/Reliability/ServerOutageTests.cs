using Kubiya.Cli.Tests.Infrastructure;
using Kubiya.Core.Configuration;
using Kubiya.Core.Executions;
using Xunit.Abstractions;

namespace Kubiya.Cli.Tests.Reliability;

/// <summary>
/// kill -9 of the server while 200 steps run on a real worker process, a restart on the same
/// database and port after an outage: every step's side effect happens exactly once.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class ServerOutageTests(ITestOutputHelper output)
{
    private const int Steps = 200;

    [Fact]
    public Task TwoHundredStepsRunOnceAcrossAFiveSecondKillNineOutage() => RunOutageAsync(TimeSpan.FromSeconds(5));

    /// <summary>
    /// The outage the worker must ride out. Longer than the steps' heartbeat timeout, so every
    /// step that was running is past its deadline when the server comes back (about two minutes).
    /// </summary>
    [Fact]
    public Task TwoHundredStepsRunOnceAcrossASixtySecondKillNineOutage() => RunOutageAsync(TimeSpan.FromSeconds(60));

    private async Task RunOutageAsync(TimeSpan outage)
    {
        await using var server = new ServerProcess();
        await server.StartAsync();
        var home = Path.Combine(Path.GetTempPath(), "kubiya-outage-" + Guid.NewGuid().ToString("N")[..12]);
        var work = Path.Combine(home, "work");
        Directory.CreateDirectory(work);
        var ledger = Path.Combine(work, "ledger.txt");
        var queue = CliFixture.Unique("outageq");
        var env = new CliEnvironment(home, server.Address, server.Token)
            .With("MAX_CONCURRENT_ACTIVITIES", Steps.ToString())
            .With("MAX_CONCURRENT_WORKFLOWS", "20");
        using var worker = env.Start(new[] { "worker", "start", "--queue-id", queue });
        try
        {
            await worker.WaitForLineAsync(l => l.Contains($"polling queue '{queue}'"), TimeSpan.FromSeconds(90));
            var settings = new KubiyaSettings
            {
                TemporalAddress = server.Address,
                ApiKey = server.Token,
                Paths = new KubiyaPaths(home),
                StepHeartbeatInterval = TimeSpan.FromSeconds(1),
            };
            var executions = await new Kubiya.Core.KubiyaRuntime(settings).ExecutionsAsync(CancellationToken.None);
            var ids = new List<string>();
            for (var i = 0; i < Steps; i++)
            {
                // Each step records its id, then works for a few seconds: many are running when the server dies.
                var request = new ExecutionRequest { Agent = "shell", Prompt = $"echo step-{i} >> {ledger}; sleep {3 + i % 5}; echo done-{i} >> {ledger}", Queue = queue, WorkingDirectory = work, NoWait = true };
                ids.Add((await executions.StartAsync(request, queue, work, CancellationToken.None)).Id);
            }

            // Pull the plug while steps are running: some have recorded their id, not all have finished.
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (Started(ledger) < Steps / 2 && DateTime.UtcNow < deadline) await Task.Delay(100);
            var port = server.Port;
            server.Kill();
            var (started, done) = (Started(ledger), LedgerLines(ledger).Count(l => l.StartsWith("done-", StringComparison.Ordinal)));
            Assert.True(started >= Steps / 2 && done < Steps, $"the kill must happen mid-way ({started} of {Steps} steps had started, {done} finished)");
            await Task.Delay(outage);
            await server.StartAsync(port);
            var restarted = DateTime.UtcNow;

            var finished = new Dictionary<string, ExecutionInfo>();
            var waitUntil = DateTime.UtcNow.AddMinutes(6);
            foreach (var id in ids)
            {
                var left = waitUntil - DateTime.UtcNow;
                finished[id] = await executions.WaitAsync(id, left > TimeSpan.Zero ? left : TimeSpan.FromSeconds(1), null, CancellationToken.None);
            }
            var notCompleted = finished.Values.Where(e => e.Status != ExecutionStatus.Completed).Select(e => $"{e.Id}: {e.Status} {e.Error}").ToList();
            Assert.True(notCompleted.Count == 0, "executions not completed:\n" + string.Join("\n", notCompleted) + "\n--- worker ---\n" + Tail(worker.Stdout + "\n" + worker.Stderr));

            output.WriteLine($"outage {outage.TotalSeconds:0}s: {started} started / {done} finished at the kill; all {Steps} completed {(DateTime.UtcNow - restarted).TotalSeconds:0.0}s after the restart");
            var lines = LedgerLines(ledger);
            var twice = lines.GroupBy(l => l).Where(g => g.Count() > 1).Select(g => $"{g.Key} x{g.Count()}").ToList();
            Assert.True(twice.Count == 0, $"{twice.Count} steps ran more than once: {string.Join(", ", twice)}\n--- worker ---\n" + Tail(worker.Stdout + "\n" + worker.Stderr));
            var expected = Enumerable.Range(0, Steps).SelectMany(i => new[] { $"step-{i}", $"done-{i}" });
            Assert.Equal(expected.OrderBy(s => s, StringComparer.Ordinal), lines.OrderBy(s => s, StringComparer.Ordinal));
        }
        finally
        {
            worker.Signal("TERM");
            // A worker that does not stop in time is killed by the wait itself.
            try { await worker.WaitForExitAsync(TimeSpan.FromSeconds(60)); } catch (TimeoutException) { }
            try { Directory.Delete(home, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static int Started(string ledger) => LedgerLines(ledger).Count(l => l.StartsWith("step-", StringComparison.Ordinal));

    private static string[] LedgerLines(string path)
    {
        try { return File.ReadAllLines(path).Where(l => l.Length > 0).ToArray(); }
        catch (FileNotFoundException) { return Array.Empty<string>(); }
    }

    private static string Tail(string text)
    {
        var lines = text.Split('\n');
        return string.Join("\n", lines.Skip(Math.Max(0, lines.Length - 60)));
    }
}
