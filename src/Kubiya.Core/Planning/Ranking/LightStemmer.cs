namespace Kubiya.Core.Planning
{
    /// <summary>
    /// A small English suffix stripper: plural, -ing, -ed, -ion, -ment, -er, -al, final -e.
    /// It only has to be consistent (prompt and agent text go through the same rules), so
    /// "rotating", "rotation" and "rotate" all become "rotat".
    /// </summary>
    public static class LightStemmer
    {
        /// <summary>The stem of a lower-case word.</summary>
        public static string Stem(string w)
        {
            if (w.Length <= 3 || !char.IsLetter(w[w.Length - 1])) return w;
            if (w.EndsWith("ies") && w.Length > 4) w = w.Substring(0, w.Length - 3) + "y";
            else if (w.EndsWith("sses")) w = w.Substring(0, w.Length - 2);
            else if (w.EndsWith("s") && !w.EndsWith("ss") && !w.EndsWith("us") && !w.EndsWith("is")) w = w.Substring(0, w.Length - 1);

            w = Strip(w, "ations", "at") ?? Strip(w, "ation", "at") ?? Strip(w, "ments", "") ?? Strip(w, "ment", "")
                ?? Strip(w, "ing", "") ?? Strip(w, "ion", "") ?? Strip(w, "ed", "") ?? Strip(w, "er", "")
                ?? Strip(w, "al", "") ?? Strip(w, "ly", "") ?? w;
            if (w.Length > 4 && w.EndsWith("e")) w = w.Substring(0, w.Length - 1);
            // Undouble: "running" -> "runn" -> "run", "scheduled" stays "schedul".
            if (w.Length > 3 && w[w.Length - 1] == w[w.Length - 2] && !IsVowel(w[w.Length - 1]) && w[w.Length - 1] != 's' && w[w.Length - 1] != 'l')
                w = w.Substring(0, w.Length - 1);
            return w;
        }

        private static string? Strip(string w, string suffix, string replacement)
        {
            if (!w.EndsWith(suffix)) return null;
            var stem = w.Substring(0, w.Length - suffix.Length);
            if (stem.Length < 3 || !HasVowel(stem)) return null;
            // -ion only after t or s (rotation, compression), not in "region", "version" stays "vers".
            if (suffix == "ion" && !(stem.EndsWith("t") || stem.EndsWith("s"))) return null;
            return stem + replacement;
        }

        private static bool HasVowel(string s)
        {
            foreach (var c in s) if (IsVowel(c)) return true;
            return false;
        }

        private static bool IsVowel(char c) => c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
    }
}
