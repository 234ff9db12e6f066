using System;
using System.Collections.Generic;
using System.IO;
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

        /// <summary>What every unit this module writes says first; how Unregister tells its units from others.</summary>
        public const string UnitDescriptionPrefix = "Description=Kubiya worker for queue ";

        /// <summary>
        /// Where units go without an explicit folder: <c>/etc/systemd/system</c> for a system unit,
        /// else the user unit folder (<c>$XDG_CONFIG_HOME/systemd/user</c>, default <c>~/.config/systemd/user</c>).
        /// </summary>
        public static string SystemdUnitDirectory(bool systemWide, string? xdgConfigHome, string userProfile) =>
            systemWide ? "/etc/systemd/system"
            : Path.Combine(!string.IsNullOrEmpty(xdgConfigHome) ? xdgConfigHome! : Path.Combine(userProfile, ".config"), "systemd", "user");

        /// <summary>True when <paramref name="unitText"/> is a worker unit written by <see cref="SystemdUnit"/> (so removing it removes nothing else).</summary>
        public static bool IsWorkerUnit(string unitText) =>
            unitText.Replace("\r\n", "\n").Split('\n').Any(l => l.StartsWith(UnitDescriptionPrefix, StringComparison.Ordinal)) &&
            unitText.IndexOf("\"worker\" \"start\" \"--queue-id\"", StringComparison.Ordinal) >= 0;

        /// <summary>
        /// The links <c>systemctl enable</c> made to <paramref name="unitFileName"/> in <paramref name="unitDirectory"/>'s
        /// <c>*.wants</c> / <c>*.requires</c> folders; removing the unit removes them too, as <c>systemctl disable</c> would.
        /// </summary>
        public static IReadOnlyList<string> EnablementLinks(string unitDirectory, string unitFileName)
        {
            if (!Directory.Exists(unitDirectory)) return Array.Empty<string>();
            var links = new List<string>();
            foreach (var dir in Directory.GetDirectories(unitDirectory))
            {
                var folder = Path.GetFileName(dir);
                if (!folder.EndsWith(".wants", StringComparison.Ordinal) && !folder.EndsWith(".requires", StringComparison.Ordinal)) continue;
                var link = Path.Combine(dir, unitFileName);
                // A dangling link (the unit already gone) must still be found: ask the link itself, not its target.
                var info = new FileInfo(link);
                if (info.Exists || (info.Attributes != (FileAttributes)(-1) && info.Attributes.HasFlag(FileAttributes.ReparsePoint))) links.Add(link);
            }
            return links;
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
            sb.Append(UnitDescriptionPrefix).Append(Escape(queueId)).Append('\n');
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
