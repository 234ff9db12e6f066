using Kubiya.Bench;

// Benchmarks print numbers; they assert nothing. Usage: Kubiya.Bench [suite ...] (default: all).
var suites = new Dictionary<string, Func<Task>>(StringComparer.OrdinalIgnoreCase)
{
    ["server"] = ServerBench.RunAsync,
    ["module"] = ModuleBench.RunAsync,
    ["visibility"] = VisibilityBench.RunAsync,
    ["planning"] = PlanningBench.RunAsync,
    ["schedules"] = ScheduleBench.RunAsync,
    ["agents"] = AgentsBench.RunAsync,
    ["coldstart"] = ColdStartBench.RunAsync,
    ["nexus"] = NexusBench.RunAsync,
    ["stats"] = StatsBench.RunAsync,
    ["webui"] = WebUIBench.RunAsync,
};
// The server bench's worker, run as a child process so its CPU time is its own.
if (args.Length == 3 && args[0] == "server-worker") return await BenchWorkerProcess.RunChildAsync(args[1], args[2]);
var chosen = args.Length == 0 ? suites.Keys.ToArray() : args;
foreach (var name in chosen)
{
    if (!suites.TryGetValue(name, out var run))
    {
        Console.Error.WriteLine($"unknown suite '{name}'; known: {string.Join(", ", suites.Keys)}");
        return 2;
    }
    Console.WriteLine($"== {name} ==");
    await run();
}
return 0;
