using System;
using System.Collections.Generic;
using System.Text;

namespace Kubiya.Core.Planning
{
    /// <summary>
    /// Splits text into ranking terms: words split on punctuation, underscores and camelCase
    /// (<c>pg_dump</c>, <c>Get-ChildItem</c>), lower-cased, stop words dropped, stemmed.
    /// </summary>
    public static class TextAnalyzer
    {
        private static readonly HashSet<string> StopWords = new HashSet<string>(StringComparer.Ordinal)
        {
            "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "into", "is", "it", "its",
            "of", "on", "or", "that", "the", "this", "these", "those", "to", "was", "were", "will", "with", "we", "our", "us",
            "i", "me", "my", "you", "your", "can", "could", "would", "should", "please", "pls", "need", "needs", "want", "wants",
            "let", "lets", "help", "do", "does", "did", "done", "go", "get", "got", "make", "sure", "some", "any", "all", "just",
            "now", "today", "again", "then", "than", "there", "their", "them", "they", "what", "which", "who", "when", "where",
            "how", "why", "up", "out", "so", "if", "not", "no", "yes", "ok", "okay", "also", "too", "very", "one", "thing",
            "things", "stuff", "kubiya", "agent", "agents", "task", "run", "runs", "running", "via", "using", "use", "bit",
            "something", "someone", "anything", "everything", "hey", "hi", "quick", "quickly", "asap", "right", "away", "am",
            "been", "being", "off", "over", "about", "after", "before", "while", "per", "e", "g", "eg", "etc", "here",
            "env", "echo", "write", "host", "output", "true", "false", "null", "exit", "set", "value", "new", "add", "current",
        };

        /// <summary>The stemmed, filtered terms of <paramref name="text"/>, in order (duplicates kept).</summary>
        public static List<string> Terms(string? text) => TermsWithWords(text).ConvertAll(t => t.Term);

        /// <summary>Each term with the word it came from ("databases" for "databas"), for explanations.</summary>
        public static List<(string Term, string Word)> TermsWithWords(string? text)
        {
            var terms = new List<(string, string)>();
            if (string.IsNullOrEmpty(text)) return terms;
            foreach (var word in JoinPhrases(Words(text!)))
            {
                if (word.Length < 2 || StopWords.Contains(word) || IsNumber(word)) continue;
                terms.Add((LightStemmer.Stem(word), word));
            }
            return terms;
        }

        // Two-word verbs people write apart and agents write as one word ("back up" = "backup").
        private static readonly Dictionary<string, HashSet<string>> Phrases = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal)
        {
            ["back"] = new HashSet<string> { "up" },
            ["roll"] = new HashSet<string> { "back", "out" },
            ["clean"] = new HashSet<string> { "up" },
            ["set"] = new HashSet<string> { "up" },
            ["sign"] = new HashSet<string> { "off" },
            ["health"] = new HashSet<string> { "check" },
            ["on"] = new HashSet<string> { "call", "board" },
            ["off"] = new HashSet<string> { "board" },
        };

        private static IEnumerable<string> JoinPhrases(IEnumerable<string> words)
        {
            string? held = null;
            foreach (var w in words)
            {
                if (held != null)
                {
                    var joined = Phrases[held].Contains(w);
                    yield return joined ? held + w : held;
                    held = null;
                    if (joined) continue;
                }
                if (Phrases.ContainsKey(w)) held = w;
                else yield return w;
            }
            if (held != null) yield return held;
        }

        /// <summary>Lower-case words of <paramref name="text"/>, split on non-letters and camelCase.</summary>
        public static IEnumerable<string> Words(string text)
        {
            var sb = new StringBuilder();
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (char.IsLetterOrDigit(c))
                {
                    // camelCase / PascalCase boundary: "ChildItem" -> "child", "item"; keep "TLS" whole.
                    if (sb.Length > 0 && char.IsUpper(c) && i > 0 && char.IsLower(text[i - 1]))
                    {
                        yield return sb.ToString();
                        sb.Clear();
                    }
                    sb.Append(char.ToLowerInvariant(c));
                }
                else if (sb.Length > 0)
                {
                    yield return sb.ToString();
                    sb.Clear();
                }
            }
            if (sb.Length > 0) yield return sb.ToString();
        }

        private static bool IsNumber(string w)
        {
            foreach (var c in w) if (!char.IsDigit(c)) return false;
            return true;
        }
    }
}
