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
            var positives = cases.Where(c => c[0] != "-").ToList();
            var negatives = cases.Where(c => c[0] == "-").ToList();
            int top1 = 0, top3 = 0, builtIns = 0, rejected = 0, negativesRejected = 0;
            var correctScores = new List<double>();
            var negativeScores = new List<double>();
            var correctCoverage = new List<double>();
            var negativeCoverage = new List<double>();
            var sw = System.Diagnostics.Stopwatch.StartNew();
            foreach (var c in cases)
            {
                var ranked = ranker.Rank(c[1]);
                if (ranked.Any(r => r.Candidate.Name is AgentCatalog.ShellAgent or AgentCatalog.PowerShellAgent)) builtIns++;
                var best = ranked.FirstOrDefault();
                var fits = best != null && Planner.Fits(best);
                if (c[0] == "-")
                {
                    negativeScores.Add(best?.Score ?? 0);
                    negativeCoverage.Add(best?.Coverage ?? 0);
                    if (!fits) negativesRejected++;
                    else Console.WriteLine($"  accepted: \"{c[1]}\" -> {best!.Candidate.Name} {best.Explanation}");
                    continue;
                }
                var expected = c[0];
                // What planning does: the best candidate, if it clears the "nothing fits" bar.
                var names = ranked.Where(r => fits && r.Score > 0).Select(r => r.Candidate.Name).ToList();
                if (!fits) rejected++;
                if (names.Take(1).Contains(expected)) { top1++; correctScores.Add(best!.Score); correctCoverage.Add(best.Coverage); }
                if (names.Take(3).Contains(expected)) top3++;
                if (!names.Take(1).Contains(expected))
                    Console.WriteLine($"  miss: \"{c[1]}\" expected {expected}, got {string.Join(", ", ranked.Take(3).Select(r => $"{r.Candidate.Name} {r.Score.ToString("0.00", CultureInfo.InvariantCulture)}"))}");
            }
            sw.Stop();
            Console.WriteLine($"planning: {catalog.Agents.Count(CandidateBuilder.IsPlannable)} agents, {positives.Count} prompts with an expected agent, {negatives.Count} that fit none");
            Console.WriteLine($"planning: top-1 accuracy {100.0 * top1 / positives.Count:0.0} % ({top1}/{positives.Count})");
            Console.WriteLine($"planning: top-3 accuracy {100.0 * top3 / positives.Count:0.0} % ({top3}/{positives.Count})");
            Console.WriteLine($"planning: {rejected} prompt(s) with an expected agent answered NoAgentMatched");
            Console.WriteLine($"planning: NoAgentMatched for {negativesRejected}/{negatives.Count} prompts that fit no agent");
            if (correctScores.Count > 0 && negativeScores.Count > 0)
                Console.WriteLine($"planning: lowest correct top score {correctScores.Min():0.00}, highest top score of a no-fit prompt {negativeScores.Max():0.00}");
            if (correctCoverage.Count > 0 && negativeCoverage.Count > 0)
                Console.WriteLine($"planning: lowest correct coverage {correctCoverage.Min():0.00}, highest no-fit coverage {negativeCoverage.Max():0.00}; correct coverages {string.Join(" ", correctCoverage.OrderBy(x => x).Take(8).Select(x => x.ToString("0.00", CultureInfo.InvariantCulture)))}");
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
