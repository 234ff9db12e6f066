using System;
using System.Globalization;
using System.Linq;
using System.Text;
using Kubiya.Core.Executions;

namespace Kubiya.Core.Pipelines
{
    /// <summary>The Markdown job summary of one execution (GitHub step summary, Azure DevOps run summary).</summary>
    public static class CiSummary
    {
        /// <summary>Most output lines shown; the rest stays readable with Get-KubiyaExecutionLog.</summary>
        public const int MaxOutputLines = 50;

        /// <summary>A heading, a table of the execution's facts, the error and the tail of its output.</summary>
        public static string Markdown(ExecutionInfo e)
        {
            var sb = new StringBuilder();
            var icon = e.Status == ExecutionStatus.Completed ? "✅" : e.Status == ExecutionStatus.Failed ? "❌" : "⚠️";
            sb.Append("### ").Append(icon).Append(" Kubiya execution `").Append(e.Id).Append("`: ").Append(e.Status).Append("\n\n");
            sb.Append("| | |\n|---|---|\n");
            Row(sb, e.Team != null ? "Team" : "Agent", e.Team ?? e.Agent);
            Row(sb, "Prompt", e.Prompt);
            Row(sb, "Queue", e.Queue);
            Row(sb, "Worker", e.Worker);
            Row(sb, "Environment", e.Environment);
            Row(sb, "Duration", e.Duration.HasValue ? e.Duration.Value.ToString("0.0", CultureInfo.InvariantCulture) + " s" : null);
            sb.Append('\n');
            if (!string.IsNullOrEmpty(e.Error)) sb.Append("**Error:** ").Append(Inline(e.Error!)).Append("\n\n");
            if (!string.IsNullOrEmpty(e.Output))
            {
                var lines = e.Output!.Replace("\r\n", "\n").TrimEnd('\n').Split('\n');
                var shown = lines.Skip(Math.Max(0, lines.Length - MaxOutputLines)).ToArray();
                sb.Append("<details><summary>Output");
                if (shown.Length < lines.Length) sb.Append(" (last ").Append(shown.Length).Append(" of ").Append(lines.Length).Append(" lines)");
                sb.Append("</summary>\n\n```text\n");
                foreach (var line in shown) sb.Append(line.Replace("```", "` ` `")).Append('\n');
                sb.Append("```\n\n</details>\n\n");
            }
            return sb.ToString();
        }

        private static void Row(StringBuilder sb, string name, string? value)
        {
            if (string.IsNullOrEmpty(value)) return;
            sb.Append("| ").Append(name).Append(" | ").Append(Inline(value!)).Append(" |\n");
        }

        // One table cell or line: no breaks, no pipes that would split the table.
        private static string Inline(string value) =>
            value.Replace("\r", " ").Replace("\n", " ").Replace("|", "\\|");
    }
}
