using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;

namespace Kubiya.Core.Messages
{
    /// <summary>The front a message is shown in: each speaks its own syntax.</summary>
    public enum KubiyaFront
    {
        /// <summary>The PowerShell module: <c>-Agent shell</c>, <c>Get-KubiyaAgent</c>.</summary>
        PowerShell,
        /// <summary>The <c>kubiya</c> CLI: <c>--agent shell</c>, <c>kubiya agent list</c>.</summary>
        Cli,
    }

    /// <summary>
    /// Messages of the runtime name parameters and commands front-neutrally, and each front renders
    /// them in its own syntax. In a message, <c>{-Agent}</c> is a parameter (<c>-Agent</c> in
    /// PowerShell, <c>--agent</c> in the CLI) and <c>{Get-KubiyaAgent}</c> a command (the cmdlet, or
    /// <c>kubiya agent list</c>). Without a front (a message stored in an execution, read by either)
    /// both forms are written.
    /// </summary>
    public static class FrontText
    {
        private static readonly Regex Token = new Regex(@"\{(-[A-Z][A-Za-z]*|[A-Z][a-z]+-Kubiya[A-Za-z]+)\}", RegexOptions.CultureInvariant);

        // The CLI command of each cmdlet a message may point to.
        private static readonly Dictionary<string, string> CliCommands = new Dictionary<string, string>
        {
            ["Invoke-KubiyaExec"] = "kubiya exec",
            ["Get-KubiyaAgent"] = "kubiya agent list",
            ["Get-KubiyaExecution"] = "kubiya execution list",
            ["Get-KubiyaExecutionLog"] = "kubiya execution logs",
            ["Get-KubiyaMetric"] = "kubiya execution stats",
            ["Wait-KubiyaExecution"] = "kubiya execution watch",
            ["Stop-KubiyaExecution"] = "kubiya execution cancel",
            ["Send-KubiyaExecutionInput"] = "kubiya execution input",
            ["Get-KubiyaPlan"] = "kubiya plan list",
            ["Start-KubiyaWorker"] = "kubiya worker start",
            ["Stop-KubiyaWorker"] = "kubiya worker stop",
            ["Get-KubiyaWorker"] = "kubiya worker list",
            ["Get-KubiyaSchedule"] = "kubiya schedule list",
            ["New-KubiyaSchedule"] = "kubiya schedule create",
        };

        /// <summary>True when <paramref name="text"/> holds a parameter or command token.</summary>
        public static bool HasTokens(string? text) => text != null && Token.IsMatch(text);

        /// <summary><paramref name="text"/> in the syntax of <paramref name="front"/>; both forms when null.</summary>
        public static string Render(string text, KubiyaFront? front)
        {
            if (string.IsNullOrEmpty(text) || text.IndexOf('{') < 0) return text;
            return Token.Replace(text, m =>
            {
                var name = m.Groups[1].Value;
                var isParameter = name[0] == '-';
                var ps = name;
                var cli = isParameter ? CliOption(name) : CliCommands.TryGetValue(name, out var c) ? c : name;
                switch (front)
                {
                    case KubiyaFront.PowerShell: return ps;
                    case KubiyaFront.Cli: return cli;
                    default: return isParameter ? $"{ps} / {cli}" : $"{ps} ({cli})";
                }
            });
        }

        /// <summary><c>-ApprovalTimeout</c> to <c>--approval-timeout</c>.</summary>
        public static string CliOption(string parameter)
        {
            var sb = new StringBuilder("--");
            var name = parameter.TrimStart('-');
            for (var i = 0; i < name.Length; i++)
            {
                if (char.IsUpper(name[i]) && i > 0) sb.Append('-');
                sb.Append(char.ToLowerInvariant(name[i]));
            }
            return sb.ToString();
        }
    }
}
