using System;
using System.IO;
using Kubiya.Core.Processes;

namespace Kubiya.Core.Workers
{
    /// <summary>What a daemon worker is doing, told truthfully from its files and the process table.</summary>
    public enum DaemonState
    {
        /// <summary>No daemon: never started, stopped cleanly, or its pid file was stale.</summary>
        Stopped,
        /// <summary>Supervisor and worker are up.</summary>
        Running,
        /// <summary>The worker died and the supervisor is waiting to restart it.</summary>
        Restarting,
        /// <summary>A stop was requested and the worker is draining.</summary>
        Stopping,
    }

    /// <summary>The outcome of reading a daemon's state.</summary>
    public sealed class DaemonStatus
    {
        /// <summary>Creates a status.</summary>
        public DaemonStatus(DaemonState state, DaemonInfo? info, bool stalePidFile)
        {
            State = state;
            Info = info;
            StalePidFile = stalePidFile;
        }

        /// <summary>The state.</summary>
        public DaemonState State { get; }
        /// <summary>The daemon's published facts, when it has any.</summary>
        public DaemonInfo? Info { get; }
        /// <summary>True when a pid file named a process that is gone (a crash or a kill -9 of the supervisor).</summary>
        public bool StalePidFile { get; }
    }

    /// <summary>Reads a daemon worker's status.</summary>
    public static class DaemonStatusReader
    {
        /// <summary>Reads the status; never throws for missing or stale files.</summary>
        public static DaemonStatus Read(WorkerPaths paths)
        {
            var info = DaemonInfo.TryRead(paths.InfoFile);
            var pidText = SafeRead(paths.PidFile);
            if (pidText == null) return new DaemonStatus(DaemonState.Stopped, info, false);
            if (!int.TryParse(pidText.Trim(), out var pid))
                return new DaemonStatus(DaemonState.Stopped, info, true);
            var expectedStart = info != null && info.Pid == pid ? info.ProcessStartUtc : default;
            if (!ProcessProbe.IsAlive(pid, expectedStart))
                return new DaemonStatus(DaemonState.Stopped, info, true);
            var state = info?.State switch
            {
                "restarting" => DaemonState.Restarting,
                "stopping" => DaemonState.Stopping,
                _ => DaemonState.Running,
            };
            // The worker died a moment ago and the supervisor has not written so yet.
            if (state == DaemonState.Running && info != null && info.Pid == pid && info.WorkerPid > 0 && ProcessProbe.StartTimeUtc(info.WorkerPid) == null)
                state = DaemonState.Restarting;
            return new DaemonStatus(state, info, false);
        }

        private static string? SafeRead(string path)
        {
            try { return File.Exists(path) ? File.ReadAllText(path) : null; }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
        }
    }
}
