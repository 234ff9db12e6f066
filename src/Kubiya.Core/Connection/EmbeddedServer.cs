using System;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Activities;
using Kubiya.Core.Configuration;
using Kubiya.Core.Errors;
using Kubiya.Core.Security;
using Microsoft.Extensions.Logging;

namespace Kubiya.Core.Connection
{
    /// <summary>
    /// The bundled Kubiya.Server: started detached on 127.0.0.1 when no Temporal address is
    /// configured and nothing answers there yet, so it outlives the session that started it.
    /// </summary>
    public static class EmbeddedServer
    {
        /// <summary>How long to wait for a freshly started server.</summary>
        public static TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>Folder of the bundled server: the configured one, or <c>Server/</c> beside the runtime's folder.</summary>
        public static string Locate(KubiyaSettings settings)
        {
            if (settings.EmbeddedServerPath != null) return settings.EmbeddedServerPath;
            var here = Path.GetDirectoryName(typeof(EmbeddedServer).Assembly.Location) ?? AppContext.BaseDirectory;
            foreach (var candidate in new[] { Path.Combine(here, "Server"), Path.Combine(here, "..", "Server") })
                if (File.Exists(Path.Combine(candidate, "Kubiya.Server.dll"))) return Path.GetFullPath(candidate);
            return Path.GetFullPath(Path.Combine(here, "..", "Server"));
        }

        /// <summary>Starts the server unless something already listens on its port.</summary>
        public static Task EnsureRunningAsync(KubiyaSettings settings, ILoggerFactory? loggerFactory, CancellationToken ct) =>
            EnsureRunningAsync(settings, loggerFactory, null, ct);

        /// <summary>
        /// Starts the server unless something already listens on its port; a server started here
        /// serves Prometheus metrics on <paramref name="metricsPort"/> (loopback) when one is given.
        /// </summary>
        public static async Task EnsureRunningAsync(KubiyaSettings settings, ILoggerFactory? loggerFactory, int? metricsPort, CancellationToken ct)
        {
            var port = settings.EmbeddedServerPort;
            if (await IsListeningAsync(port).ConfigureAwait(false)) return;
            var logger = loggerFactory?.CreateLogger("Kubiya.EmbeddedServer");
            OwnerOnly.Folder(settings.Paths.Home);
            OwnerOnly.Folder(settings.Paths.ServerDirectory);
            using (await AcquireStartLockAsync(settings.Paths.ServerDirectory, ct).ConfigureAwait(false))
            {
                // Another process may have started it while we waited for the lock.
                if (await IsListeningAsync(port).ConfigureAwait(false)) return;
                var folder = Locate(settings);
                var dll = Path.Combine(folder, "Kubiya.Server.dll");
                if (!File.Exists(dll))
                    throw new KubiyaException(KubiyaErrorKind.ServerUnreachable, "EmbeddedServerMissing",
                        $"No Temporal address is configured, nothing answers on 127.0.0.1:{port}, and the bundled server was not found at {dll}. Set KUBIYA_TEMPORAL_ADDRESS or reinstall the module.", dll);
                var db = EmbeddedServerControl.DatabaseFile(settings.Paths);
                var log = EmbeddedServerControl.LogFile(settings.Paths);
                var pidFile = EmbeddedServerControl.PidFile(settings.Paths);
                logger?.LogInformation("Starting the embedded server on 127.0.0.1:{Port} (db {Db})", port, db);
                OwnerOnly.File(log);
                OwnerOnly.File(db);
                if (metricsPort is int mp && await IsListeningAsync(mp).ConfigureAwait(false))
                    throw new KubiyaException(KubiyaErrorKind.InvalidState, "MetricsPortInUse",
                        $"Port {mp} is already in use on 127.0.0.1; choose another metrics port.", mp);
                Launch(folder, dll, port, db, log, pidFile, metricsPort);
                var deadline = DateTime.UtcNow + StartTimeout;
                while (DateTime.UtcNow < deadline)
                {
                    ct.ThrowIfCancellationRequested();
                    if (await IsListeningAsync(port).ConfigureAwait(false)) return;
                    // A refused connect costs nothing: poll often so the first command does not idle after the server is up.
                    await Task.Delay(20, ct).ConfigureAwait(false);
                }
                throw new KubiyaException(KubiyaErrorKind.ServerUnreachable, "EmbeddedServerNotReady",
                    $"The embedded server did not answer on 127.0.0.1:{port} within {StartTimeout.TotalSeconds:0}s; see {log}.", log);
            }
        }

        /// <summary>True when a TCP connection to 127.0.0.1:<paramref name="port"/> succeeds.</summary>
        public static async Task<bool> IsListeningAsync(int port)
        {
            using var tcp = new TcpClient();
            try
            {
                var connect = tcp.ConnectAsync("127.0.0.1", port);
                var first = await Task.WhenAny(connect, Task.Delay(500)).ConfigureAwait(false);
                if (first != connect) return false;
                await connect.ConfigureAwait(false);
                return tcp.Connected;
            }
            catch (SocketException)
            {
                return false;
            }
        }

        private static void Launch(string folder, string dll, int port, string db, string log, string pidFile, int? metricsPort)
        {
            var dotnet = CommandLocator.FindOnPath(CommandLocator.IsWindows ? "dotnet.exe" : "dotnet");
            var metrics = metricsPort is int mp ? " --metrics-port " + mp.ToString(System.Globalization.CultureInfo.InvariantCulture) : "";
            var args = $"--port {port} --db {CommandLocator.Quote(db)}{metrics}";
            if (CommandLocator.IsWindows)
            {
                var psi = dotnet != null
                    ? new ProcessStartInfo(dotnet, CommandLocator.Quote(dll) + " " + args)
                    : new ProcessStartInfo(Path.Combine(folder, "Kubiya.Server.exe"), args);
                psi.UseShellExecute = false;
                psi.CreateNoWindow = true;
                psi.WorkingDirectory = folder;
                using var p = Process.Start(psi)!;
                OwnerOnly.WriteAllText(pidFile, p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return;
            }
            // Through sh so the server leaves our process group (setsid) and writes to its own log,
            // and keeps running after this session ends.
            var program = dotnet != null ? $"{ShQuote(dotnet)} {ShQuote(dll)}" : ShQuote(Path.Combine(folder, "Kubiya.Server"));
            var setsid = CommandLocator.FindOnPath("setsid");
            // umask 077: the log and pid file are the owner's only, like everything the server writes.
            var script = $"umask 077; {(setsid != null ? ShQuote(setsid) + " " : "")}{program} --port {port} --db {ShQuote(db)}{metrics} >>{ShQuote(log)} 2>&1 </dev/null & echo $! >{ShQuote(pidFile)}";
            var sh = new ProcessStartInfo("/bin/sh", "-c " + CommandLocator.Quote(script)) { UseShellExecute = false, WorkingDirectory = folder };
            using var shell = Process.Start(sh)!;
            shell.WaitForExit(10_000);
        }

        private static string ShQuote(string s) => "'" + s.Replace("'", "'\\''") + "'";

        private static async Task<IDisposable> AcquireStartLockAsync(string dir, CancellationToken ct)
        {
            var path = Path.Combine(dir, "start.lock");
            var deadline = DateTime.UtcNow + StartTimeout;
            while (true)
            {
                try
                {
                    return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                }
                catch (IOException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100, ct).ConfigureAwait(false);
                }
            }
        }
    }
}
