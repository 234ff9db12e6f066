using System;
using System.Diagnostics;
using System.IO;

namespace Kubiya.Core.Processes
{
    /// <summary>Whether a recorded process is still the one we started (pids get reused).</summary>
    public static class ProcessProbe
    {
        /// <summary>Start time (UTC) of the live process <paramref name="pid"/>, or null if none runs.</summary>
        public static DateTime? StartTimeUtc(int pid)
        {
            if (pid <= 0) return null;
            try
            {
                using var p = Process.GetProcessById(pid);
                if (p.HasExited || IsZombie(pid)) return null;
                return p.StartTime.ToUniversalTime();
            }
            catch (ArgumentException) { return null; }
            catch (InvalidOperationException) { return null; }
            catch (System.ComponentModel.Win32Exception) { return DateTime.MinValue; }
        }

        /// <summary>
        /// A killed process stays in the table as a zombie until its parent (often init) reaps
        /// it; on Linux /proc tells, and a zombie is dead for every purpose here.
        /// </summary>
        private static bool IsZombie(int pid)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var end = stat.LastIndexOf(')');
                return end > 0 && end + 2 < stat.Length && (stat[end + 2] == 'Z' || stat[end + 2] == 'X');
            }
            catch (IOException) { return false; }
            catch (UnauthorizedAccessException) { return false; }
        }

        /// <summary>
        /// True when <paramref name="pid"/> runs and started at <paramref name="expectedStartUtc"/>
        /// (within two seconds; a different start time means the pid was reused).
        /// </summary>
        public static bool IsAlive(int pid, DateTime expectedStartUtc)
        {
            var start = StartTimeUtc(pid);
            if (start == null) return false;
            if (start == DateTime.MinValue || expectedStartUtc == default) return true;
            return Math.Abs((start.Value - expectedStartUtc).TotalSeconds) < 2;
        }
    }
}
