using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace Kubiya.Core.Planning
{
    /// <summary>
    /// Reads a plan's steps for what they may change or wait for: commands that write or delete
    /// files, shell commands in general, approval steps and tools that act on the machine.
    /// </summary>
    public static class RiskAnalyzer
    {
        // Redirections, file-writing and file-removing commands of sh and PowerShell.
        private static readonly Regex WritesFiles = new Regex(
            @"(^|[^>2&])>>?\s*[^&\s]|\btee\b|\b(cp|mv|rm|rmdir|mkdir|touch|chmod|chown|ln|rsync|tar\s+-?[cx]|unzip|sed\s+-i|truncate|dd)\b" +
            @"|\b(Set-Content|Add-Content|Out-File|New-Item|Remove-Item|Copy-Item|Move-Item|Rename-Item|Export-Csv|Export-Clixml|Compress-Archive|Expand-Archive)\b",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private static readonly HashSet<string> ActingTools = new HashSet<string>(System.StringComparer.OrdinalIgnoreCase)
            { "write_file", "edit_file", "delete_file", "shell", "powershell", "run_command", "git" };

        /// <summary>The risks of <paramref name="steps"/>, in step order.</summary>
        public static List<PlanRisk> Analyze(IEnumerable<PlanStep> steps, IEnumerable<string> tools)
        {
            var risks = new List<PlanRisk>();
            foreach (var s in steps)
            {
                switch (s.Kind)
                {
                    case "approval":
                        risks.Add(new PlanRisk { Kind = "approval", Step = s.Name, Description = $"waits for approval: {s.Detail}" });
                        break;
                    case "shell":
                    case "powershell":
                    case "changes":
                        if (WritesFiles.IsMatch(s.Detail))
                            risks.Add(new PlanRisk { Kind = "writes-files", Step = s.Name, Description = "writes or removes files: " + OneLine(s.Detail) });
                        risks.Add(new PlanRisk { Kind = "shell-command", Step = s.Name, Description = $"runs a {(s.Kind == "changes" ? "command per changed path" : s.Kind + " command")}: " + OneLine(s.Detail) });
                        break;
                }
            }
            foreach (var t in tools.Where(ActingTools.Contains).Distinct(System.StringComparer.OrdinalIgnoreCase))
                risks.Add(new PlanRisk { Kind = "tool", Step = "agent", Description = $"the model may call '{t}'" + (t.Contains("file") ? " (writes files)" : " (runs commands)") });
            return risks;
        }

        private static string OneLine(string s)
        {
            var line = Regex.Replace(s, @"\s+", " ").Trim();
            return line.Length > 100 ? line.Substring(0, 97) + "..." : line;
        }
    }
}
