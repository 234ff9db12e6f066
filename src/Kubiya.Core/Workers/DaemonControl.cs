using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Kubiya.Core.Workers
{
    /// <summary>Starts, stops and cleans daemon workers through their files; used by the CLI and the module alike.</summary>
    public static class DaemonControl
    {
        /// <summary>
        /// Launches the supervisor detached from this session (on Linux in its own session via
        /// setsid, so closing the terminal does not take it down) and waits until it is up.
        /// </summary>
        /// <param name="paths">The worker's files.</param>
        /// <param name="command">The supervisor command (e.g. the kubiya executable and "worker supervise ...").</param>
        /// <param name="timeout">How long to wait for the daemon's pid file.</param>
        /// <param name="cancellationToken">Cancels the wait (the daemon keeps running).</param>
        public static async Task<DaemonStatus> StartAsync(WorkerPaths paths, CommandLine command, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            var current = DaemonStatusReader.Read(paths);
            if (current.State != DaemonState.Stopped)
                throw new InvalidOperationException($"A daemon worker for queue '{paths.QueueId}' is already running (pid {current.Info?.Pid}).");
            Directory.CreateDirectory(paths.Directory);
            TryDelete(paths.PidFile);
            TryDelete(paths.StopRequestFile);
            var psi = Detach(command);
            using (var launched = Process.Start(psi) ?? throw new InvalidOperationException("The daemon process could not be started."))
            {
                var deadline = DateTime.UtcNow + timeout;
                while (DateTime.UtcNow < deadline)
                {
                    var status = DaemonStatusReader.Read(paths);
                    if (status.State != DaemonState.Stopped) return status;
                    if (launched.HasExited && launched.ExitCode != 0 && !IsSetsidWrapper(psi))
                        throw new InvalidOperationException($"The daemon exited at once with code {launched.ExitCode}; see {paths.LogFile}.");
                    await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                }
            }
            throw new TimeoutException($"The daemon for queue '{paths.QueueId}' did not report ready within {timeout.TotalSeconds:0}s; see {paths.LogFile}.");
        }

        private static bool IsSetsidWrapper(ProcessStartInfo psi) => psi.FileName == "setsid";

        private static ProcessStartInfo Detach(CommandLine command)
        {
            var setsid = new[] { "/usr/bin/setsid", "/bin/setsid" };
            var wrapper = Environment.OSVersion.Platform == PlatformID.Unix && Array.Exists(setsid, File.Exists);
            var args = wrapper ? new[] { command.FileName }.Concat(command.Arguments) : command.Arguments;
            var psi = new ProcessStartInfo(wrapper ? "setsid" : command.FileName, CommandLine.Quote(args))
            {
                UseShellExecute = false,
                CreateNoWindow = true,
            };
            foreach (var kv in command.Environment) psi.Environment[kv.Key] = kv.Value;
            return psi;
        }

        /// <summary>
        /// Asks the daemon to drain and exit, and waits for it. Returns false when no daemon ran
        /// (a stale pid file is removed). Throws TimeoutException when it is still running after
        /// <paramref name="timeout"/>.
        /// </summary>
        public static async Task<bool> StopAsync(WorkerPaths paths, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            var status = DaemonStatusReader.Read(paths);
            if (status.State == DaemonState.Stopped)
            {
                if (status.StalePidFile) TryDelete(paths.PidFile);
                return false;
            }
            AtomicFile.WriteAllText(paths.StopRequestFile, "stop");
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                if (DaemonStatusReader.Read(paths).State == DaemonState.Stopped) return true;
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
            throw new TimeoutException($"The daemon for queue '{paths.QueueId}' is still draining after {timeout.TotalSeconds:0}s.");
        }

        /// <summary>Removes a stopped worker's folder (logs, pid and info files); refuses while it runs.</summary>
        public static void Clean(WorkerPaths paths)
        {
            var status = DaemonStatusReader.Read(paths);
            if (status.State != DaemonState.Stopped)
                throw new InvalidOperationException($"The worker for queue '{paths.QueueId}' is running (pid {status.Info?.Pid}); stop it before cleaning.");
            if (Directory.Exists(paths.Directory)) Directory.Delete(paths.Directory, recursive: true);
        }

        private static void TryDelete(string path)
        {
            try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
