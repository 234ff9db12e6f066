using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Kubiya.Core.Planning
{
    /// <summary>A candidate with its ranker score and the terms that earned it.</summary>
    public sealed class RankedCandidate
    {
        /// <summary>The agent or team.</summary>
        public PlanningCandidate Candidate { get; set; } = new PlanningCandidate();
        /// <summary>BM25F score (higher is better; 0 = nothing matched).</summary>
        public double Score { get; set; }
        /// <summary>Share of the prompt's words (after stop words) that matched, 0..1.</summary>
        public double Coverage { get; set; }
        /// <summary>Matched prompt terms, largest contribution first.</summary>
        public List<TermMatch> Matches { get; set; } = new List<TermMatch>();

        /// <summary>"score 4.21: 'backup' in tags, description (2.10); ..." for the top terms.</summary>
        public string Explanation
        {
            get
            {
                if (Matches.Count == 0) return "no prompt word matched";
                var parts = Matches.Take(4).Select(m => $"'{m.Word}' in {string.Join(", ", m.Fields)} ({m.Score.ToString("0.00", CultureInfo.InvariantCulture)})");
                return $"score {Score.ToString("0.00", CultureInfo.InvariantCulture)}: " + string.Join("; ", parts);
            }
        }

        /// <inheritdoc />
        public override string ToString() => $"{Candidate.Name} {Explanation}";
    }

    /// <summary>One prompt term's contribution to a candidate's score.</summary>
    public sealed class TermMatch
    {
        /// <summary>The prompt word (or concept, shown as "~name") that matched.</summary>
        public string Word { get; set; } = "";
        /// <summary>Fields it was found in: name, tags, description, steps, commands, tools.</summary>
        public List<string> Fields { get; set; } = new List<string>();
        /// <summary>Its share of the score.</summary>
        public double Score { get; set; }
    }
}
