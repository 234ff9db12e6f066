using System.Text;
using System.Text.RegularExpressions;

namespace Kubiya.Core.Activities
{
    /// <summary>Glob patterns over '/'-separated paths: <c>**</c> any folders, <c>*</c> within a name, <c>?</c> one char.</summary>
    public static class Glob
    {
        /// <summary>True when <paramref name="path"/> matches <paramref name="pattern"/>.</summary>
        public static bool IsMatch(string pattern, string path) => ToRegex(pattern).IsMatch(path.Replace('\\', '/'));

        /// <summary>Compiles a pattern; a pattern without '/' matches a file name in any folder.</summary>
        public static Regex ToRegex(string pattern)
        {
            var p = pattern.Replace('\\', '/').TrimStart('/');
            if (p.EndsWith("/")) p += "**";
            if (!p.Contains("/")) p = "**/" + p;
            var sb = new StringBuilder("^");
            for (var i = 0; i < p.Length; i++)
            {
                var c = p[i];
                if (c == '*' && i + 1 < p.Length && p[i + 1] == '*')
                {
                    i++;
                    if (i + 1 < p.Length && p[i + 1] == '/')
                    {
                        i++;
                        sb.Append("(?:.*/)?");
                    }
                    else sb.Append(".*");
                }
                else if (c == '*') sb.Append("[^/]*");
                else if (c == '?') sb.Append("[^/]");
                else sb.Append(Regex.Escape(c.ToString()));
            }
            sb.Append('$');
            return new Regex(sb.ToString(), RegexOptions.CultureInvariant);
        }
    }
}
