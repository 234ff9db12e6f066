using System.Globalization;
using Kubiya.Core.Agents;
using Kubiya.Core.Configuration;
using Kubiya.Core.Planning;

namespace Kubiya.Bench;

/// <summary>
/// Planning quality: the offline ranker over a fixture catalogue of realistic agents
/// (Planning/agents) and prompts with the agent a person would pick (Planning/prompts.tsv).
/// Prints top-1 and top-3 accuracy and every miss.
/// </summary>
public static class PlanningBench
{
    public static Task RunAsync()
    {
        var fixture = Path.Combine(AppContext.BaseDirectory, "Planning");
        var work = Path.Combine(Path.GetTempPath(), "kubiya-planbench-" + Guid.NewGuid().ToString("N")[..8]);
        var agentsDir = KubiyaPaths.ProjectAgentsDirectory(work);
        Directory.CreateDirectory(agentsDir);
        try
        {
            foreach (var f in Directory.GetFiles(Path.Combine(fixture, "agents"), "*.yaml"))
                File.Copy(f, Path.Combine(agentsDir, Path.GetFileName(f)));
            var catalog = AgentCatalog.Load(new KubiyaPaths(Path.Combine(work, "home")), work);
            if (catalog.Errors.Count > 0) throw new InvalidOperationException(string.Join(Environment.NewLine, catalog.Errors.Select(e => e.Message)));
            var ranker = new OfflineRanker(CandidateBuilder.FromCatalog(catalog));
            var cases = File.ReadAllLines(Path.Combine(fixture, "prompts.tsv"))
                .Where(l => l.Length > 0 && !l.StartsWith('#'))
                .Select(l => l.Split('\t', 2))
                .ToList();
            int top1 = 0, top3 = 0, builtIns = 0;
            var sw = System.Diagnostics.Stopwatch.StartNew();
            foreach (var c in cases)
            {
                var expected = c[0];
                var ranked = ranker.Rank(c[1]);
                if (ranked.Any(r => r.Candidate.Name is AgentCatalog.ShellAgent or AgentCatalog.PowerShellAgent)) builtIns++;
                var names = ranked.Where(r => r.Score > 0).Select(r => r.Candidate.Name).ToList();
                if (names.Take(1).Contains(expected)) top1++;
                if (names.Take(3).Contains(expected)) top3++;
                else if (!names.Take(1).Contains(expected)) { }
                if (!names.Take(1).Contains(expected))
                    Console.WriteLine($"  miss: \"{c[1]}\" expected {expected}, got {string.Join(", ", ranked.Take(3).Select(r => $"{r.Candidate.Name} {r.Score.ToString("0.00", CultureInfo.InvariantCulture)}"))}");
            }
            sw.Stop();
            Console.WriteLine($"planning: {catalog.Agents.Count(CandidateBuilder.IsPlannable)} agents, {cases.Count} prompts");
            Console.WriteLine($"planning: top-1 accuracy {100.0 * top1 / cases.Count:0.0} % ({top1}/{cases.Count})");
            Console.WriteLine($"planning: top-3 accuracy {100.0 * top3 / cases.Count:0.0} % ({top3}/{cases.Count})");
            Console.WriteLine($"planning: built-in shell/powershell offered {builtIns} time(s)");
            Console.WriteLine($"planning: {sw.Elapsed.TotalMilliseconds / cases.Count:0.00} ms per prompt");
        }
        finally
        {
            try { Directory.Delete(work, true); } catch (IOException) { }
        }
        return Task.CompletedTask;
    }
}
