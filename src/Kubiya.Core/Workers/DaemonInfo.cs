using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using Kubiya.Core.Security;

namespace Kubiya.Core.Workers
{
    /// <summary>
    /// The facts a daemon publishes about itself in <c>daemon_info.txt</c> ("key: value" lines,
    /// readable by people and parsed by <c>worker status</c>).
    /// </summary>
    public sealed class DaemonInfo
    {
        /// <summary>Supervisor process id.</summary>
        public int Pid { get; set; }
        /// <summary>Supervisor process start time (UTC), to tell a reused pid from ours.</summary>
        public DateTime ProcessStartUtc { get; set; }
        /// <summary>Queue served.</summary>
        public string QueueId { get; set; } = "";
        /// <summary>When the daemon started (UTC).</summary>
        public DateTime StartedUtc { get; set; }
        /// <summary>How many times the worker was restarted after dying.</summary>
        public int Restarts { get; set; }
        /// <summary>Product version of the daemon.</summary>
        public string Version { get; set; } = "";
        /// <summary>Current log file.</summary>
        public string LogPath { get; set; } = "";
        /// <summary>Worker (child) process id, 0 while none runs.</summary>
        public int WorkerPid { get; set; }
        /// <summary>running, restarting, stopping.</summary>
        public string State { get; set; } = "";
        /// <summary>Exit code of the worker's last death, if any.</summary>
        public int? LastExitCode { get; set; }
        /// <summary>When the worker last died (UTC), if ever.</summary>
        public DateTime? LastExitUtc { get; set; }

        /// <summary>Writes atomically (temp file + rename), so a reader never sees half a file.</summary>
        public void Write(string path)
        {
            var sb = new StringBuilder();
            void Line(string k, object? v) => sb.Append(k).Append(": ").Append(Convert.ToString(v, CultureInfo.InvariantCulture)).Append('\n');
            Line("pid", Pid);
            Line("process_start", ProcessStartUtc.ToString("o", CultureInfo.InvariantCulture));
            Line("queue", QueueId);
            Line("started", StartedUtc.ToString("o", CultureInfo.InvariantCulture));
            Line("restarts", Restarts);
            Line("version", Version);
            Line("log", LogPath);
            Line("worker_pid", WorkerPid);
            Line("state", State);
            if (LastExitCode is int code) Line("last_exit_code", code);
            if (LastExitUtc is DateTime at) Line("last_exit", at.ToString("o", CultureInfo.InvariantCulture));
            AtomicFile.WriteAllText(path, sb.ToString());
        }

        /// <summary>Reads the file; null when it is absent or unreadable (a daemon mid-write or long gone).</summary>
        public static DaemonInfo? TryRead(string path)
        {
            string[] lines;
            try { lines = File.ReadAllLines(path); }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
            var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in lines)
            {
                var i = line.IndexOf(": ", StringComparison.Ordinal);
                if (i > 0) map[line.Substring(0, i)] = line.Substring(i + 2);
            }
            if (!map.TryGetValue("pid", out var pidText) || !int.TryParse(pidText, out var pid)) return null;
            DateTime Date(string key) => map.TryGetValue(key, out var v) && DateTime.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var d) ? d : default;
            int Int(string key) => map.TryGetValue(key, out var v) && int.TryParse(v, out var n) ? n : 0;
            return new DaemonInfo
            {
                Pid = pid,
                ProcessStartUtc = Date("process_start"),
                QueueId = map.TryGetValue("queue", out var q) ? q : "",
                StartedUtc = Date("started"),
                Restarts = Int("restarts"),
                Version = map.TryGetValue("version", out var ver) ? ver : "",
                LogPath = map.TryGetValue("log", out var log) ? log : "",
                WorkerPid = Int("worker_pid"),
                State = map.TryGetValue("state", out var st) ? st : "",
                LastExitCode = map.ContainsKey("last_exit_code") ? Int("last_exit_code") : (int?)null,
                LastExitUtc = map.ContainsKey("last_exit") ? Date("last_exit") : (DateTime?)null,
            };
        }
    }

    /// <summary>Write-then-rename, so readers see the old or the new file, never a torn one.</summary>
    public static class AtomicFile
    {
        /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/> atomically.</summary>
        public static void WriteAllText(string path, string text)
        {
            OwnerOnly.Folder(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var tmp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            OwnerOnly.WriteAllText(tmp, text);
            if (File.Exists(path)) File.Replace(tmp, path, null);
            else File.Move(tmp, path);
        }
    }
}
