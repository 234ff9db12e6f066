using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Kubiya.Core.Agents.Llm.Models;
using Kubiya.Core.Executions;

namespace Kubiya.Core.Planning
{
    /// <summary>
    /// Estimates a plan from facts only: durations are percentiles of the agent's past completed
    /// executions ("no history yet" when there are none); tokens and cost of llm agents come
    /// from the prompt's size, the turns the agent typically takes and the model's price.
    /// </summary>
    public static class PlanEstimator
    {
        /// <summary>Turns assumed for an llm agent with no runs to learn from.</summary>
        public const int DefaultTurns = 4;
        /// <summary>Tokens a turn adds to the conversation (a tool result and the model's reply), assumed.</summary>
        public const int TokensAddedPerTurn = 400;
        /// <summary>Tokens the model writes per turn, assumed.</summary>
        public const int OutputTokensPerTurn = 200;
        /// <summary>Tokens of one tool's description offered to the model.</summary>
        public const int TokensPerTool = 60;

        /// <summary>Builds the estimate.</summary>
        /// <param name="candidate">The chosen agent or team.</param>
        /// <param name="history">Its past executions (any status; only completed ones with a duration count).</param>
        /// <param name="prompt">The prompt.</param>
        /// <param name="llm">Facts of the llm agent (null for runbooks and teams without llm members).</param>
        /// <param name="model">The model that would answer (the agent's, or the configured default).</param>
        /// <param name="priceOf">Model prices (null when no gateway is configured).</param>
        public static PlanEstimate Estimate(PlanningCandidate candidate, IReadOnlyList<ExecutionInfo> history, string prompt,
            LlmAgentFacts? llm, string? model, Func<string, ModelPrice?>? priceOf)
        {
            var e = new PlanEstimate();
            var basis = new List<string>();
            var durations = history
                .Where(h => h.Status == ExecutionStatus.Completed && h.Duration.HasValue)
                .Select(h => h.Duration!.Value)
                .OrderBy(d => d)
                .ToList();
            e.HistorySamples = durations.Count;
            if (durations.Count == 0)
            {
                basis.Add($"no history yet for '{candidate.Name}'");
            }
            else
            {
                e.DurationP50Seconds = Math.Round(Percentile(durations, 0.5), 1);
                e.DurationP90Seconds = Math.Round(Percentile(durations, 0.9), 1);
                basis.Add($"duration from {durations.Count} completed run(s) of '{candidate.Name}'");
            }

            if (llm != null)
            {
                var pastTurns = history.Select(TurnsOf).Where(t => t > 0).OrderBy(t => t).ToList();
                var turns = pastTurns.Count > 0 ? (int)Math.Round(Percentile(pastTurns.Select(t => (double)t).ToList(), 0.5)) : DefaultTurns;
                if (llm.MaxTurns is { } max && max > 0) turns = Math.Min(turns, max);
                var first = Tokens(llm.Instructions) + Tokens(prompt) + TokensPerTool * llm.Tools.Count;
                long input = 0;
                for (var t = 0; t < turns; t++) input += first + (long)t * TokensAddedPerTurn;
                e.Turns = turns;
                e.InputTokens = input;
                e.OutputTokens = (long)turns * OutputTokensPerTurn;
                e.Model = model;
                basis.Add(pastTurns.Count > 0
                    ? $"tokens for {turns} turn(s), the median of {pastTurns.Count} past run(s)"
                    : $"tokens for {turns} turn(s), assumed (no past runs to learn turns from)");
                var price = model != null ? priceOf?.Invoke(model) : null;
                if (price != null)
                {
                    e.CostUsd = Math.Round(price.Cost(e.InputTokens.Value, e.OutputTokens.Value), 4);
                    basis.Add($"cost at {model}'s price");
                }
                else
                {
                    basis.Add(model == null ? "no model configured, so no cost" : $"no known price for '{model}', so no cost");
                }
                if (llm.MaxCostUsd is { } budget) basis.Add($"budget {budget.ToString("0.##", CultureInfo.InvariantCulture)} USD per run");
            }
            e.Basis = string.Join("; ", basis);
            return e;
        }

        /// <summary>Rough token count of a text (4 characters a token, the usual rule for English and code).</summary>
        public static int Tokens(string? text) => string.IsNullOrEmpty(text) ? 0 : (text!.Length + 3) / 4;

        /// <summary>Nearest-rank percentile of sorted values.</summary>
        public static double Percentile(IReadOnlyList<double> sorted, double p)
        {
            if (sorted.Count == 0) throw new ArgumentException("no values", nameof(sorted));
            var rank = (int)Math.Ceiling(p * sorted.Count);
            return sorted[Math.Max(0, Math.Min(sorted.Count - 1, rank - 1))];
        }

        /// <summary>"12s", "3m 5s", "1h 2m".</summary>
        public static string FormatSeconds(double? seconds)
        {
            if (seconds is not { } s) return "-";
            var t = TimeSpan.FromSeconds(s);
            if (t.TotalHours >= 1) return $"{(int)t.TotalHours}h {t.Minutes}m";
            if (t.TotalMinutes >= 1) return $"{t.Minutes}m {t.Seconds}s";
            return s.ToString(s < 10 ? "0.#" : "0", CultureInfo.InvariantCulture) + "s";
        }

        private static int TurnsOf(ExecutionInfo info) => info.Turns ?? 0;
    }
}
