using System;
using System.Collections.Generic;
using System.Globalization;

namespace Kubiya.Core.Planning
{
    /// <summary>A plan as labelled lines of at most 80 characters (long values wrap under their label), for terminals and host messages.</summary>
    public static class PlanText
    {
        private const int Width = 80;
        private const int Indent = 10;

        /// <summary>The lines of <paramref name="plan"/>.</summary>
        public static List<string> Lines(KubiyaPlan plan)
        {
            var lines = new List<string>();
            // Wrapped, not cut: a plan is approved on what it shows, so every word of it is shown.
            void Line(string label, string text)
            {
                var prefix = label.PadRight(Indent);
                foreach (var part in Wrap(text, Width - Indent))
                {
                    lines.Add(prefix + part);
                    prefix = new string(' ', Indent);
                }
            }
            Line("Plan", $"{plan.PlanId}  {plan.Title}");
            if (plan.Origin != null) Line("From", plan.Origin);
            Line(plan.Recommended.IsTeam ? "Team" : "Agent", $"{plan.Recommended.Name} ({plan.Recommended.Kind}), selected by {plan.SelectedBy}");
            Line("Why", plan.Recommended.Reasoning);
            Line("Summary", plan.Summary);
            Line("Queue", plan.Queue + (plan.Queue.Reason.Length > 0 ? ": " + plan.Queue.Reason : ""));
            for (var i = 0; i < plan.Steps.Count; i++)
            {
                var s = plan.Steps[i];
                Line(i == 0 ? "Steps" : "", $"{i + 1}. {s.Name} [{s.Kind}] {s.Detail}");
            }
            Line("Estimate", Estimate(plan.Estimate));
            if (plan.Risks.Count == 0) Line("Risks", "none found");
            for (var i = 0; i < plan.Risks.Count; i++) Line(i == 0 ? "Risks" : "", $"{plan.Risks[i].Kind}: {plan.Risks[i].Step}: {plan.Risks[i].Description}");
            for (var i = 0; i < plan.Alternatives.Count; i++)
            {
                var a = plan.Alternatives[i];
                Line(i == 0 ? "Also" : "", a.Score is { } sc ? $"{a.Name} ({sc.ToString("0.00", CultureInfo.InvariantCulture)})" : a.Name);
            }
            if (plan.CloseCandidates && plan.Alternatives.Count > 0)
                Line("Note", $"'{plan.Alternatives[0].Name}' scores close to '{plan.Recommended.Name}'; name the one you mean with -Agent / --agent.");
            if (plan.ExecutionId != null) Line("Ran", $"{plan.ExecutionId} at {plan.ExecutedAt?.ToString("u", CultureInfo.InvariantCulture)}");
            return lines;
        }

        /// <summary>The words of <paramref name="text"/> in lines of at most <paramref name="room"/> characters (longer words are split).</summary>
        internal static IEnumerable<string> Wrap(string text, int room)
        {
            var line = "";
            foreach (var token in text.Split(new[] { ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries))
            {
                var word = token;
                if (line.Length > 0 && line.Length + 1 + word.Length > room)
                {
                    yield return line;
                    line = "";
                }
                while (word.Length > room)
                {
                    if (line.Length > 0) { yield return line; line = ""; }
                    yield return word.Substring(0, room);
                    word = word.Substring(room);
                }
                line = line.Length == 0 ? word : line + " " + word;
            }
            yield return line;
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
    }
}
