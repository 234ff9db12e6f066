using System.Globalization;
using Kubiya.Core.Planning;

namespace Kubiya.Cli.Output;

/// <summary>A plan for people (80 columns) and as documents (json: the plan file format itself).</summary>
public static class PlanView
{
    private const int Width = 80;

    /// <summary>Writes <paramref name="plan"/> in the chosen format.</summary>
    public static void Write(Renderer output, KubiyaPlan plan)
    {
        if (output.Format == OutputFormat.Json)
        {
            output.Out.WriteLine(PlanJson.Write(plan));
            output.Out.Flush();
            return;
        }
        output.Result(plan, w => WriteText(w, plan));
    }

    /// <summary>The plan as labelled lines.</summary>
    public static void WriteText(TextWriter w, KubiyaPlan plan)
    {
        Line(w, "Plan", $"{plan.PlanId}  {plan.Title}");
        if (plan.Origin != null) Line(w, "From", plan.Origin);
        Line(w, plan.Recommended.IsTeam ? "Team" : "Agent", $"{plan.Recommended.Name} ({plan.Recommended.Kind}), selected by {plan.SelectedBy}");
        Line(w, "Why", plan.Recommended.Reasoning);
        Line(w, "Summary", plan.Summary);
        Line(w, "Queue", (plan.Queue.Local ? "local" : $"{plan.Queue.Name} ({plan.Queue.LiveWorkers} live worker(s))") + (plan.Queue.Reason.Length > 0 ? ": " + plan.Queue.Reason : ""));
        for (var i = 0; i < plan.Steps.Count; i++)
        {
            var s = plan.Steps[i];
            Line(w, i == 0 ? "Steps" : "", $"{i + 1}. {s.Name} [{s.Kind}] {s.Detail}");
        }
        Line(w, "Estimate", Estimate(plan.Estimate));
        if (plan.Risks.Count == 0) Line(w, "Risks", "none found");
        for (var i = 0; i < plan.Risks.Count; i++) Line(w, i == 0 ? "Risks" : "", $"{plan.Risks[i].Kind}: {plan.Risks[i].Step}: {plan.Risks[i].Description}");
        for (var i = 0; i < plan.Alternatives.Count; i++)
        {
            var a = plan.Alternatives[i];
            Line(w, i == 0 ? "Also" : "", a.Score is { } sc ? $"{a.Name} ({sc.ToString("0.00", CultureInfo.InvariantCulture)})" : a.Name);
        }
        if (plan.CloseCandidates) Line(w, "Note", $"'{plan.Alternatives[0].Name}' scores close to '{plan.Recommended.Name}'; choose with --agent/--team, or --yes takes the best.");
        if (plan.ExecutionId != null) Line(w, "Ran", $"{plan.ExecutionId} at {plan.ExecutedAt:u}");
    }

    /// <summary>"p50 12s, p90 30s (...)", or the basis alone when there are no numbers.</summary>
    public static string Estimate(PlanEstimate e)
    {
        var parts = new List<string>();
        if (e.DurationP50Seconds != null) parts.Add($"p50 {PlanEstimator.FormatSeconds(e.DurationP50Seconds)}, p90 {PlanEstimator.FormatSeconds(e.DurationP90Seconds)}");
        if (e.InputTokens != null) parts.Add($"~{e.InputTokens + e.OutputTokens} tokens");
        if (e.CostUsd != null) parts.Add("~$" + e.CostUsd.Value.ToString("0.0000", CultureInfo.InvariantCulture));
        return parts.Count == 0 ? e.Basis : string.Join(", ", parts) + " (" + e.Basis + ")";
    }

    /// <summary>Writes saved plans as a table.</summary>
    public static void WriteTable(TextWriter w, IEnumerable<KubiyaPlan> plans)
    {
        var t = new TextTable("PLAN", "AGENT", "APPROVED", "EXECUTION", "TITLE");
        foreach (var p in plans)
            t.Row(p.PlanId, Formats.Short(p.Recommended.Name, 18), p.Approved ? "yes" : "no", p.ExecutionId ?? "-", Formats.Short(p.Title, 30));
        t.Write(w);
    }

    private static void Line(TextWriter w, string label, string text)
    {
        var one = string.Join(" ", text.Split(new[] { ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries));
        var prefix = label.PadRight(10);
        var room = Width - prefix.Length;
        w.WriteLine(prefix + (one.Length > room ? one.Substring(0, room - 3) + "..." : one));
    }
}
