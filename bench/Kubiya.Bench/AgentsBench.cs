using System.Diagnostics;
using Kubiya.Core;
using Kubiya.Core.Configuration;
using Kubiya.Core.Executions;
using Kubiya.Core.Workers;
using Kubiya.Testing.FakeOpenAi;
using Kubiya.Tests.Infrastructure;

namespace Kubiya.Bench;

/// <summary>
/// The agent loop's own cost: a worker (production gateway and tool runner) against a fake model that
/// answers at once, so a turn is one workflow task + one model activity + one tool activity (+ the
/// workflow task after it). Prints the time between consecutive model requests, and the time per
/// turn of a 200-turn conversation in blocks of 20, with and without continue-as-new.
/// </summary>
public static class AgentsBench
{
    public static async Task RunAsync()
    {
        // The server without eager activity dispatch first, as the peer of the default.
        await RunOnServerAsync(new[] { "--no-eager-activities" }, "server --no-eager-activities", longConversations: false);
        await RunOnServerAsync(Array.Empty<string>(), "server default (eager activities)", longConversations: true);
    }

    private static async Task RunOnServerAsync(string[] serverArgs, string label, bool longConversations)
    {
        await using var server = new ServerProcess(null, serverArgs);
        await server.StartAsync();
        using var fake = new FakeOpenAiServer();
        var home = Path.Combine(Path.GetTempPath(), "kubiya-bench-agents-" + Guid.NewGuid().ToString("N"));
        var project = Path.Combine(home, "project");
        Directory.CreateDirectory(Path.Combine(project, ".kubiya", "agents"));
        File.WriteAllText(Path.Combine(project, "a.txt"), "a");
        File.WriteAllText(Path.Combine(project, ".kubiya", "agents", "bench.yaml"),
            "name: bench\nkind: llm\nmodel: fake\ninstructions: Benchmark.\ntools: [list_files]\nmaxTurns: 1000\n");
        var models = $"{{\"model_list\":[{{\"model_name\":\"fake\",\"litellm_params\":{{\"model\":\"openai/gpt-4o-mini\",\"api_base\":\"{fake.BaseUrl}\",\"api_key\":\"sk-bench\"}}}}]}}";

        // The fake answers with a tool call until the conversation has the wanted turns, then with text.
        var stamps = new List<double>();
        var clock = Stopwatch.StartNew();
        var wanted = 0;
        fake.Handler = request =>
        {
            lock (stamps) stamps.Add(clock.Elapsed.TotalMilliseconds);
            var turn = request.Messages.Count(m => m.Role == "assistant") + 1;
            return turn < wanted ? Reply.ToolCall("list_files", new { pattern = "*.txt" }).WithUsage(10, 2) : Reply.Text("done").WithUsage(10, 1);
        };

        async Task<List<double>> Conversation(int turns, int continueAsNewTurns)
        {
            var settings = SettingsLoader.Load(new KubiyaPaths(home), _ => null) with
            {
                TemporalAddress = server.Address,
                ApiKey = server.Token,
                LlmContinueAsNewTurns = continueAsNewTurns,
                StepHeartbeatInterval = TimeSpan.FromSeconds(5),
            };
            var runtime = new KubiyaRuntime(settings);
            var queue = "bench-agents-" + Guid.NewGuid().ToString("N")[..8];
            var worker = await runtime.StartWorkerAsync(new WorkerHostOptions { Queue = queue, ModelConfigJson = models, FileLogging = false, DefaultWorkingDirectory = project }, CancellationToken.None);
            try
            {
                lock (stamps) stamps.Clear();
                wanted = turns;
                var executions = await runtime.ExecutionsAsync(CancellationToken.None);
                var started = await executions.StartAsync(new ExecutionRequest { Prompt = "go", Agent = "bench", WorkingDirectory = project }, queue, project, CancellationToken.None);
                var done = await executions.WaitAsync(started.Id, TimeSpan.FromMinutes(10), null, CancellationToken.None);
                if (done.Status != ExecutionStatus.Completed || done.Turns != turns) throw new InvalidOperationException($"bench conversation ended {done.Status} after {done.Turns} turns: {done.Error}");
                lock (stamps) return stamps.Zip(stamps.Skip(1), (a, b) => b - a).ToList();
            }
            finally
            {
                await worker.StopAsync();
                worker.Dispose();
            }
        }

        // Warm-up long enough for both processes to finish tiered JIT of the hot paths.
        await Conversation(150, 40);
        await Conversation(150, 40);
        var serverPid = ProcessCpu.FindServerPid(server.DbPath);
        var serverCpu = ProcessCpu.CpuMs(serverPid);
        var selfCpu = ProcessCpu.SelfCpuMs();
        var perTurn = await Conversation(101, 40);
        serverCpu = ProcessCpu.CpuMs(serverPid) - serverCpu;
        selfCpu = ProcessCpu.SelfCpuMs() - selfCpu;
        var sorted = perTurn.OrderBy(x => x).ToList();
        double P(double q) => sorted[Math.Min(sorted.Count - 1, (int)(q * sorted.Count))];
        Console.WriteLine($"{label}: loop overhead per turn (workflow tasks + model activity + one tool activity, fake answers at once): " +
                          $"p50 {P(0.50):F1} ms, p99 {P(0.99):F1} ms over {sorted.Count} turns (target p50 <= 15 ms); " +
                          $"CPU per turn: server {serverCpu / 101:F1} ms, worker + fake model {selfCpu / 101:F1} ms");

        foreach (var (name, threshold) in longConversations ? new[] { ("continue-as-new every 40 turns", 40), ("no continue-as-new", 1000) } : Array.Empty<(string, int)>())
        {
            var turns = await Conversation(200, threshold);
            var blocks = Enumerable.Range(0, turns.Count / 20).Select(b => turns.Skip(b * 20).Take(20).Average()).ToList();
            Console.WriteLine($"200-turn conversation, {name}: ms per turn by block of 20: {string.Join(" ", blocks.Select(b => b.ToString("F1")))}");
        }
        try { Directory.Delete(home, recursive: true); } catch (IOException) { }
    }
}
