using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Kubiya.Core.Workers
{
    /// <summary>
    /// Definitions that keep a persistent worker running without a session: a systemd unit on
    /// Linux (running the CLI's foreground worker, which drains on SIGTERM) and the pieces of a
    /// Windows scheduled task started at boot (running <c>Start-KubiyaWorker -Wait</c>).
    /// </summary>
    public static class WorkerServiceDefinitions
    {
        /// <summary>The default service or task name of a queue's worker.</summary>
        public static string Name(string queueId)
        {
            WorkerPaths.ValidateQueueId(queueId);
            return "kubiya-worker-" + new string(queueId.Select(c => char.IsLetterOrDigit(c) || c == '-' || c == '_' || c == '.' ? c : '_').ToArray());
        }

        /// <summary>The text of a systemd service unit that runs <paramref name="command"/> (a foreground worker).</summary>
        /// <param name="queueId">The queue served (for the description).</param>
        /// <param name="command">The worker command, e.g. <c>dotnet kubiya.dll worker start --queue-id Q</c>.</param>
        /// <param name="environment">Environment variables of the service.</param>
        /// <param name="workingDirectory">Folder the worker starts in (steps without their own folder run there).</param>
        /// <param name="drainTimeout">How long the worker may drain running steps after SIGTERM.</param>
        /// <param name="systemWide">A system unit (multi-user.target) rather than a user unit (default.target).</param>
        public static string SystemdUnit(string queueId, CommandLine command, IEnumerable<KeyValuePair<string, string>> environment,
            string workingDirectory, TimeSpan drainTimeout, bool systemWide)
        {
            var sb = new StringBuilder();
            sb.Append("[Unit]\n");
            sb.Append("Description=Kubiya worker for queue ").Append(Escape(queueId)).Append('\n');
            sb.Append("After=network-online.target\nWants=network-online.target\n\n");
            sb.Append("[Service]\nType=simple\n");
            sb.Append("ExecStart=").Append(string.Join(" ", new[] { command.FileName }.Concat(command.Arguments).Select(Quote))).Append('\n');
            foreach (var kv in environment.Concat(command.Environment).OrderBy(kv => kv.Key, StringComparer.Ordinal))
                sb.Append("Environment=").Append(Quote(kv.Key + "=" + kv.Value)).Append('\n');
            // A path setting, not a command line: systemd takes it verbatim (quotes would make it relative).
            sb.Append("WorkingDirectory=").Append(Escape(workingDirectory)).Append('\n');
            sb.Append("KillSignal=SIGTERM\n");
            sb.Append("TimeoutStopSec=").Append((int)Math.Ceiling(drainTimeout.TotalSeconds) + 15).Append('\n');
            sb.Append("Restart=on-failure\nRestartSec=5\n\n");
            sb.Append("[Install]\nWantedBy=").Append(systemWide ? "multi-user.target" : "default.target").Append('\n');
            return sb.ToString();
        }

        /// <summary>
        /// The arguments of the PowerShell executable a Windows scheduled task runs: import the
        /// module from <paramref name="manifestPath"/> and keep a worker for the queue alive.
        /// </summary>
        public static string ScheduledTaskArguments(string manifestPath, string queueId)
        {
            WorkerPaths.ValidateQueueId(queueId);
            if (manifestPath.IndexOf('"') >= 0) throw new ArgumentException("The module path cannot contain a double quote.", nameof(manifestPath));
            return "-NoProfile -NonInteractive -ExecutionPolicy Bypass -Command \"Import-Module " + PsLiteral(manifestPath) +
                "; Start-KubiyaWorker -QueueId " + PsLiteral(queueId) + " -Wait\"";
        }

        private static string PsLiteral(string s) => "'" + s.Replace("'", "''") + "'";

        // systemd: double quotes with C-style escapes; '%' starts a specifier and is doubled.
        private static string Quote(string s) =>
            "\"" + Escape(s).Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

        private static string Escape(string s) => s.Replace("%", "%%").Replace("\n", " ").Replace("\r", " ");
    }
}
