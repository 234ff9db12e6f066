using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace Kubiya.Core.Agents.Llm.Tools
{
    /// <summary>
    /// Checks a shell or PowerShell command against an agent's <see cref="ToolPolicy.Deny"/> and
    /// <see cref="ToolPolicy.Allow"/> patterns (globs where <c>*</c> is any text and <c>?</c> one
    /// character, case-insensitive, whitespace runs equal). A command line is split into the
    /// commands it chains (<c>;</c>, <c>&amp;&amp;</c>, <c>||</c>, <c>|</c>, <c>&amp;</c>, new lines):
    /// deny wins when any of them (or the whole line) matches a deny pattern; with an allow list,
    /// every one of them must match an allow pattern, and command substitution (<c>$(...)</c>,
    /// backticks) is refused because what it runs cannot be checked.
    /// </summary>
    public static class CommandPolicy
    {
        /// <summary>Null when <paramref name="command"/> may run; otherwise the reason, for the model.</summary>
        public static string? Check(string command, ToolPolicy? policy)
        {
            if (policy == null) return null;
            var normalized = Normalize(command);
            var parts = Split(command).Select(Normalize).Where(p => p.Length > 0).ToList();
            foreach (var pattern in policy.Deny.Where(p => !string.IsNullOrWhiteSpace(p)))
            {
                var regex = ToRegex(pattern);
                if (regex.IsMatch(normalized) || parts.Any(p => regex.IsMatch(p)))
                    return $"command denied by policy: it matches the deny pattern '{pattern}'";
            }
            var allow = policy.Allow.Where(p => !string.IsNullOrWhiteSpace(p)).ToList();
            if (allow.Count == 0) return null;
            if (HasSubstitution(command))
                return "command denied by policy: command substitution ($(...) or backticks) is not allowed when the agent has an allow list";
            var regexes = allow.Select(ToRegex).ToList();
            foreach (var part in parts)
            {
                if (!regexes.Any(r => r.IsMatch(part)))
                    return $"command denied by policy: '{Shorten(part)}' matches none of the allowed patterns ({string.Join(", ", allow.Select(a => "'" + a + "'"))})";
            }
            return null;
        }

        /// <summary>The commands a command line chains, split outside quotes.</summary>
        public static List<string> Split(string command)
        {
            var parts = new List<string>();
            var current = new StringBuilder();
            char quote = '\0';
            for (var i = 0; i < command.Length; i++)
            {
                var c = command[i];
                if (quote != '\0')
                {
                    current.Append(c);
                    if (c == quote) quote = '\0';
                    else if (c == '\\' && quote == '"' && i + 1 < command.Length) current.Append(command[++i]);
                    continue;
                }
                if (c == '\'' || c == '"')
                {
                    quote = c;
                    current.Append(c);
                    continue;
                }
                if (c == '\\' && i + 1 < command.Length && command[i + 1] != '\n' && command[i + 1] != '\r')
                {
                    current.Append(c).Append(command[++i]);
                    continue;
                }
                if (c == ';' || c == '|' || c == '&' || c == '\n' || c == '\r')
                {
                    parts.Add(current.ToString());
                    current.Clear();
                    continue;
                }
                current.Append(c);
            }
            parts.Add(current.ToString());
            return parts;
        }

        private static bool HasSubstitution(string command)
        {
            var inSingle = false;
            for (var i = 0; i < command.Length; i++)
            {
                var c = command[i];
                if (c == '\'') inSingle = !inSingle;
                if (inSingle) continue;
                if (c == '`') return true;
                if ((c == '$' || c == '<' || c == '>') && i + 1 < command.Length && command[i + 1] == '(') return true;
            }
            return false;
        }

        private static string Normalize(string s) => Regex.Replace(s.Trim(), @"\s+", " ");

        private static Regex ToRegex(string pattern)
        {
            var sb = new StringBuilder("^");
            foreach (var c in Normalize(pattern))
            {
                if (c == '*') sb.Append(".*");
                else if (c == '?') sb.Append('.');
                else if (c == ' ') sb.Append(' ');
                else sb.Append(Regex.Escape(c.ToString()));
            }
            sb.Append('$');
            return new Regex(sb.ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);
        }

        private static string Shorten(string s) => s.Length > 120 ? s.Substring(0, 120) + "..." : s;
    }
}
