using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Errors;
using Kubiya.Core.Processes;
using Kubiya.Core.Security;

namespace Kubiya.Core.Workers
{
    /// <summary>Starts, stops and cleans daemon workers through their files; used by the CLI and the module alike.</summary>
    public static class DaemonControl
    {
        /// <summary>
        /// Launches the supervisor detached from this session (see <see cref="DetachedProcess"/>)
        /// and waits until it has published its pid file.
        /// </summary>
        /// <param name="paths">The worker's files.</param>
        /// <param name="command">The supervisor command (see <see cref="KubiyaCli.Supervisor"/>).</param>
        /// <param name="timeout">How long to wait for the daemon's pid file.</param>
        /// <param name="cancellationToken">Cancels the wait (the daemon keeps running).</param>
        public static async Task<DaemonStatus> StartAsync(WorkerPaths paths, CommandLine command, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            var current = DaemonStatusReader.Read(paths);
            if (current.State != DaemonState.Stopped)
                throw new KubiyaException(KubiyaErrorKind.InvalidState, "DaemonAlreadyRunning",
                    $"A daemon worker for queue '{paths.QueueId}' is already running (pid {current.Info?.Pid}).", paths.QueueId);
            OwnerOnly.Folder(paths.Directory);
            TryDelete(paths.PidFile);
            TryDelete(paths.StopRequestFile);
            TryDelete(paths.SupervisorOutputFile);
            var pid = DetachedProcess.Start(command, paths.SupervisorOutputFile);
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                var status = DaemonStatusReader.Read(paths);
                if (status.State != DaemonState.Stopped) return status;
                if (ProcessProbe.StartTimeUtc(pid) == null && DaemonStatusReader.Read(paths).State == DaemonState.Stopped)
                    throw new KubiyaException(KubiyaErrorKind.Internal, "DaemonExited",
                        $"The daemon for queue '{paths.QueueId}' exited at once: {Tail(paths.SupervisorOutputFile)}", paths.QueueId);
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
            throw new KubiyaException(KubiyaErrorKind.Timeout, "DaemonStartTimeout",
                $"The daemon for queue '{paths.QueueId}' did not report ready within {timeout.TotalSeconds:0}s; see {paths.SupervisorOutputFile}.", paths.QueueId);
        }

        /// <summary>
        /// Asks the daemon to drain and exit, and waits for it. Returns false when no daemon ran
        /// (a stale pid file is removed). Throws a Timeout error when it is still running after
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
            var supervisor = status.Info;
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                // Stopped once its files say so and the process itself is gone (it cleans up just before exiting).
                if (DaemonStatusReader.Read(paths).State == DaemonState.Stopped &&
                    (supervisor == null || !ProcessProbe.IsAlive(supervisor.Pid, supervisor.ProcessStartUtc)))
                    return true;
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
            throw new KubiyaException(KubiyaErrorKind.Timeout, "DaemonStopTimeout",
                $"The daemon for queue '{paths.QueueId}' is still draining after {timeout.TotalSeconds:0}s.", paths.QueueId);
        }

        /// <summary>Removes a stopped worker's folder (logs, pid and info files); refuses while it runs. False when there was nothing.</summary>
        public static bool Clean(WorkerPaths paths)
        {
            var status = DaemonStatusReader.Read(paths);
            if (status.State != DaemonState.Stopped)
                throw new KubiyaException(KubiyaErrorKind.InvalidState, "WorkerRunning",
                    $"The worker for queue '{paths.QueueId}' is running (pid {status.Info?.Pid}); stop it before cleaning.", paths.QueueId);
            if (!Directory.Exists(paths.Directory)) return false;
            Directory.Delete(paths.Directory, recursive: true);
            return true;
        }

        private static string Tail(string file)
        {
            try
            {
                var lines = File.ReadAllLines(file).Where(l => l.Trim().Length > 0).ToList();
                return lines.Count == 0 ? "no output; see " + file : string.Join(" | ", lines.Skip(Math.Max(0, lines.Count - 5)));
            }
            catch (IOException)
            {
                return "see " + file;
            }
        }

        private static void TryDelete(string path)
        {
            try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
