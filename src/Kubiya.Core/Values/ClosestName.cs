using System;
using System.Collections.Generic;

namespace Kubiya.Core.Values
{
    /// <summary>The known name a mistyped one most likely meant (for "did you mean" hints).</summary>
    public static class ClosestName
    {
        /// <summary>The name of <paramref name="known"/> nearest to <paramref name="typed"/>, or null when none is close.</summary>
        public static string? Find(string typed, IEnumerable<string> known)
        {
            string? best = null;
            var bestDistance = int.MaxValue;
            foreach (var name in known)
            {
                var d = Distance(typed.ToLowerInvariant(), name.ToLowerInvariant());
                if (d < bestDistance) { best = name; bestDistance = d; }
            }
            // Close means a typo, not a different word: at most a third of the letters changed (and at least one allowed).
            return best != null && bestDistance <= Math.Max(1, Math.Max(typed.Length, best.Length) / 3) ? best : null;
        }

        private static int Distance(string a, string b)
        {
            var prev = new int[b.Length + 1];
            var cur = new int[b.Length + 1];
            for (var j = 0; j <= b.Length; j++) prev[j] = j;
            for (var i = 1; i <= a.Length; i++)
            {
                cur[0] = i;
                for (var j = 1; j <= b.Length; j++)
                {
                    var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                }
                var t = prev; prev = cur; cur = t;
            }
            return prev[b.Length];
        }
    }
}
