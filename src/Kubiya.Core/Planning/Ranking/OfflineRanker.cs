using System;
using System.Collections.Generic;
using System.Linq;

namespace Kubiya.Core.Planning
{
    /// <summary>
    /// Deterministic, offline agent ranking: BM25F over each candidate's name, tags, description,
    /// step names, commands and tools, with stemming and an operations synonym table. The same
    /// prompt and catalogue always give the same order (ties break by name).
    /// </summary>
    public sealed class OfflineRanker
    {
        private const double K1 = 1.2;
        // A concept match ("db" for "database") counts less than the word itself.
        private const double ConceptWeight = 0.6;

        private static readonly FieldSpec[] Fields =
        {
            new FieldSpec("name", 3.0, 0.3, c => new[] { c.Name }),
            new FieldSpec("tags", 2.5, 0.3, c => c.Tags),
            new FieldSpec("description", 2.0, 0.75, c => new[] { c.Description }),
            new FieldSpec("steps", 1.2, 0.75, c => c.StepNames),
            new FieldSpec("commands", 0.7, 0.75, c => c.Commands),
            new FieldSpec("tools", 0.8, 0.5, c => c.Tools),
        };

        private readonly List<Document> documents;
        private readonly double[] averageLengths;
        private readonly Dictionary<string, int> documentFrequency = new Dictionary<string, int>(StringComparer.Ordinal);

        /// <summary>Indexes <paramref name="candidates"/>.</summary>
        public OfflineRanker(IEnumerable<PlanningCandidate> candidates)
        {
            documents = candidates.Select(c => new Document(c)).ToList();
            averageLengths = new double[Fields.Length];
            for (var f = 0; f < Fields.Length; f++)
                averageLengths[f] = documents.Count == 0 ? 1 : Math.Max(1, documents.Average(d => d.Lengths[f]));
            foreach (var d in documents)
                foreach (var term in d.AllTerms)
                    documentFrequency[term] = documentFrequency.TryGetValue(term, out var n) ? n + 1 : 1;
        }

        /// <summary>Number of indexed candidates.</summary>
        public int Count => documents.Count;

        /// <summary>Every candidate scored for <paramref name="prompt"/>, best first.</summary>
        public List<RankedCandidate> Rank(string prompt)
        {
            var pairs = TextAnalyzer.TermsWithWords(prompt);
            var words = pairs.Select(p => p.Term).Distinct(StringComparer.Ordinal).ToList();
            // Explanations name the prompt's own word, not its stem.
            var shown = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in pairs) if (!shown.ContainsKey(p.Term)) shown[p.Term] = p.Word;
            var query = new Dictionary<string, (double Weight, string Word)>(StringComparer.Ordinal);
            // Which prompt words each query term stands for, to measure how much of the prompt matched.
            var sources = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var w in words)
            {
                query[w] = (1.0, shown[w]);
                sources[w] = new List<string> { w };
                foreach (var concept in Synonyms.ConceptsOf(w))
                {
                    if (!query.ContainsKey(concept)) query[concept] = (ConceptWeight, $"{shown[w]} (as {concept.Substring(1)})");
                    if (!sources.TryGetValue(concept, out var list)) sources[concept] = list = new List<string>();
                    list.Add(w);
                }
            }
            var n = documents.Count;
            var ranked = new List<RankedCandidate>();
            foreach (var d in documents)
            {
                var r = new RankedCandidate { Candidate = d.Candidate };
                var matchedWords = new HashSet<string>(StringComparer.Ordinal);
                foreach (var kv in query)
                {
                    var term = kv.Key;
                    if (!d.AllTerms.Contains(term)) continue;
                    var df = documentFrequency[term];
                    var idf = Math.Log(1 + (n - df + 0.5) / (df + 0.5));
                    double tf = 0;
                    var fields = new List<string>();
                    for (var f = 0; f < Fields.Length; f++)
                    {
                        if (!d.Counts[f].TryGetValue(term, out var count)) continue;
                        var spec = Fields[f];
                        tf += spec.Weight * count / (1 - spec.B + spec.B * d.Lengths[f] / averageLengths[f]);
                        fields.Add(spec.Name);
                    }
                    var contribution = kv.Value.Weight * idf * tf / (K1 + tf);
                    if (contribution <= 0) continue;
                    r.Score += contribution;
                    matchedWords.UnionWith(sources[term]);
                    r.Matches.Add(new TermMatch { Word = kv.Value.Word, Fields = fields, Score = contribution });
                }
                r.Coverage = words.Count == 0 ? 0 : (double)matchedWords.Count / words.Count;
                r.Matches = r.Matches.OrderByDescending(m => m.Score).ThenBy(m => m.Word, StringComparer.Ordinal).ToList();
                ranked.Add(r);
            }
            return ranked.OrderByDescending(r => r.Score).ThenBy(r => r.Candidate.Name, StringComparer.OrdinalIgnoreCase).ToList();
        }

        private sealed class FieldSpec
        {
            public FieldSpec(string name, double weight, double b, Func<PlanningCandidate, IEnumerable<string>> text)
            {
                Name = name;
                Weight = weight;
                B = b;
                Text = text;
            }

            public string Name { get; }
            public double Weight { get; }
            public double B { get; }
            public Func<PlanningCandidate, IEnumerable<string>> Text { get; }
        }

        private sealed class Document
        {
            public Document(PlanningCandidate c)
            {
                Candidate = c;
                Counts = new Dictionary<string, int>[Fields.Length];
                Lengths = new int[Fields.Length];
                for (var f = 0; f < Fields.Length; f++)
                {
                    var terms = Synonyms.Expand(Fields[f].Text(c).SelectMany(TextAnalyzer.Terms));
                    var counts = new Dictionary<string, int>(StringComparer.Ordinal);
                    foreach (var t in terms) counts[t] = counts.TryGetValue(t, out var k) ? k + 1 : 1;
                    Counts[f] = counts;
                    Lengths[f] = terms.Count;
                    AllTerms.UnionWith(counts.Keys);
                }
            }

            public PlanningCandidate Candidate { get; }
            public Dictionary<string, int>[] Counts { get; }
            public int[] Lengths { get; }
            public HashSet<string> AllTerms { get; } = new HashSet<string>(StringComparer.Ordinal);
        }
    }
}
