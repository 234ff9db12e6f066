using System;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Configuration;
using Kubiya.Core.Errors;
using Kubiya.Core.Workers;
using Kubiya.Core.Processes;

namespace Kubiya.Core.Connection
{
    /// <summary>What is known about the embedded server of this Kubiya home.</summary>
    public sealed class EmbeddedServerStatus
    {
        /// <summary>The configured Temporal address; when set the embedded server is not used.</summary>
        public string? ConfiguredAddress { get; set; }
        /// <summary>Loopback port of the embedded server.</summary>
        public int Port { get; set; }
        /// <summary>Something accepts connections on the port.</summary>
        public bool Listening { get; set; }
        /// <summary>Process id from the pid file, when that process is alive.</summary>
        public int? Pid { get; set; }
        /// <summary>Database file.</summary>
        public string DatabaseFile { get; set; } = "";
        /// <summary>Server output.</summary>
        public string LogFile { get; set; } = "";
        /// <summary>The address clients use.</summary>
        public string Address => ConfiguredAddress ?? $"127.0.0.1:{Port}";
    }

    /// <summary>Status and stop of the embedded server (<see cref="EmbeddedServer"/> starts it).</summary>
    public static class EmbeddedServerControl
    {
        /// <summary>The embedded server's database.</summary>
        public static string DatabaseFile(KubiyaPaths paths) => Path.Combine(paths.ServerDirectory, "kubiya.db");

        /// <summary>The embedded server's output.</summary>
        public static string LogFile(KubiyaPaths paths) => Path.Combine(paths.ServerDirectory, "server.log");

        /// <summary>The embedded server's caller token (created by the server, owner-only).</summary>
        public static string TokenFile(KubiyaPaths paths) => Path.Combine(paths.ServerDirectory, "server.token");

        /// <summary>The embedded server's pid file.</summary>
        public static string PidFile(KubiyaPaths paths) => Path.Combine(paths.ServerDirectory, "server.pid");

        /// <summary>Reads the status without starting anything.</summary>
        public static async Task<EmbeddedServerStatus> StatusAsync(KubiyaSettings settings)
        {
            var status = new EmbeddedServerStatus
            {
                ConfiguredAddress = settings.TemporalAddress,
                Port = settings.EmbeddedServerPort,
                DatabaseFile = DatabaseFile(settings.Paths),
                LogFile = LogFile(settings.Paths),
                Listening = await EmbeddedServer.IsListeningAsync(settings.EmbeddedServerPort).ConfigureAwait(false),
            };
            var pid = ReadPid(settings.Paths);
            if (pid != null && ProcessProbe.StartTimeUtc(pid.Value) != null) status.Pid = pid;
            return status;
        }

        /// <summary>
        /// Stops the embedded server this home started (SIGTERM, then a kill after
        /// <paramref name="timeout"/>). False when it was not running. Refuses to touch a
        /// process it did not start.
        /// </summary>
        public static async Task<bool> StopAsync(KubiyaSettings settings, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var status = await StatusAsync(settings).ConfigureAwait(false);
            if (status.Pid == null)
            {
                TryDelete(PidFile(settings.Paths));
                if (!status.Listening) return false;
                throw new KubiyaException(KubiyaErrorKind.InvalidState, "ServerNotStartedHere",
                    $"Something listens on 127.0.0.1:{status.Port}, but no live process is recorded in {PidFile(settings.Paths)}: it was not started by this Kubiya home; stop it where it was started.", status.Port);
            }
            var pid = status.Pid.Value;
            if (!ProcessSignals.Terminate(pid)) ProcessSignals.Kill(pid);
            var deadline = DateTime.UtcNow + timeout;
            while (ProcessProbe.StartTimeUtc(pid) != null)
            {
                if (DateTime.UtcNow > deadline)
                {
                    ProcessSignals.Kill(pid);
                    break;
                }
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
            TryDelete(PidFile(settings.Paths));
            return true;
        }

        private static int? ReadPid(KubiyaPaths paths)
        {
            try
            {
                var text = File.ReadAllText(PidFile(paths)).Trim();
                return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : (int?)null;
            }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
        }

        private static void TryDelete(string path)
        {
            try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
