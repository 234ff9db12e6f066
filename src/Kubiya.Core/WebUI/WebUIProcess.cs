using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Errors;
using Kubiya.Core.Processes;
using Kubiya.Core.Workers;
using Microsoft.Extensions.Logging;

namespace Kubiya.Core.WebUI
{
    /// <summary>
    /// The web UI served for PowerShell: a child <c>kubiya ui</c> process (the CLI in the module's
    /// <c>Cli/</c> folder, so Windows PowerShell 5.1 loads no ASP.NET Core), bound to a worker job's
    /// queue (<see cref="StartBesideAsync"/>) or on its own (<see cref="StartStandaloneAsync"/>,
    /// Start-KubiyaWebUI). It ends with <see cref="Stop"/>, and on its own when this process is gone.
    /// </summary>
    public sealed class WebUIProcess : IDisposable
    {
        private const string Announcement = "Web UI: ";
        private readonly Process process;
        private readonly TaskCompletionSource<int> exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

        private WebUIProcess(Process process, string url)
        {
            this.process = process;
            Url = url;
            process.EnableRaisingEvents = true;
            process.Exited += (_, __) => OnExited();
            if (process.HasExited) OnExited();
        }

        private void OnExited()
        {
            int code;
            try { code = process.ExitCode; }
            catch (InvalidOperationException) { code = -1; }
            exited.TrySetResult(code);
        }

        /// <summary>Completes with the exit code once the child has exited (stopped, or died on its own).</summary>
        public Task<int> Exited => exited.Task;

        /// <summary>The port it serves on.</summary>
        public int Port => new Uri(Url).Port;

        /// <summary>The address to open, with this start's token (for the user's terminal and the worker's log only).</summary>
        public string Url { get; }

        /// <summary>The address without the token.</summary>
        public string BaseUrl => Url.Split('?')[0];

        /// <summary>The child's process id.</summary>
        public int Pid => process.Id;

        /// <summary>
        /// Starts the UI of <paramref name="host"/> and says so in its log (the address with the
        /// token); null, with a warning in its log, when it cannot be served (the worker runs on).
        /// </summary>
        public static async Task<WebUIProcess?> StartBesideAsync(WorkerHost host, int port, string workingDirectory, string? modelConfig, CancellationToken cancellationToken)
        {
            var logger = host.CreateLogger("Kubiya.WebUI");
            try
            {
                var ui = await StartAsync(host.Queue, port, host.StartedAt, workingDirectory, modelConfig, cancellationToken).ConfigureAwait(false);
                // Said as a CLI worker says it (WorkerWebUI).
                if (port != 0 && ui.Port != port) logger.LogWarning("Web UI port {Requested} is taken: using {Port}", port, ui.Port);
                logger.LogInformation("Web UI: {Url}", ui.Url);
                return ui;
            }
            catch (KubiyaException ex)
            {
                logger.LogWarning("Web UI not served: {Reason}", ex.Message);
                return null;
            }
        }

        /// <summary>
        /// Starts <c>kubiya ui</c> for the worker of <paramref name="queue"/> running in this process, on
        /// <paramref name="port"/> (or the next free port), and waits until it announces its address.
        /// </summary>
        public static Task<WebUIProcess> StartAsync(string queue, int port, DateTimeOffset workerStarted, string workingDirectory, string? modelConfig, CancellationToken cancellationToken) =>
            LaunchAsync(queue, port, workerStarted, workingDirectory, modelConfig,
                "The kubiya CLI that serves the web UI was not found in the module's Cli folder; reinstall the module, or use -NoWebUI.", cancellationToken);

        /// <summary>
        /// Starts <c>kubiya ui</c> on its own (no worker in this process): for <paramref name="queue"/>'s
        /// worker wherever it runs (Playground target, its log), or for none; it ends when this process does.
        /// </summary>
        public static Task<WebUIProcess> StartStandaloneAsync(string? queue, int port, string workingDirectory, string? modelConfig, CancellationToken cancellationToken) =>
            LaunchAsync(queue, port, null, workingDirectory, modelConfig,
                "The kubiya CLI that serves the web UI was not found in the module's Cli folder; reinstall the module.", cancellationToken);

        private static async Task<WebUIProcess> LaunchAsync(string? queue, int port, DateTimeOffset? workerStarted, string workingDirectory, string? modelConfig, string notFound, CancellationToken cancellationToken)
        {
            var cli = KubiyaCli.Locate() ?? throw new KubiyaException(KubiyaErrorKind.NotFound, "KubiyaCliNotFound", notFound, queue);
            var args = new List<string>
            {
                "ui", "--port", port.ToString(CultureInfo.InvariantCulture),
                "--parent-pid", Process.GetCurrentProcess().Id.ToString(CultureInfo.InvariantCulture),
                "--working-directory", workingDirectory,
            };
            if (queue != null) args.AddRange(new[] { "--queue-id", queue });
            if (workerStarted is DateTimeOffset started) args.AddRange(new[] { "--worker-started", started.ToString("o", CultureInfo.InvariantCulture) });
            if (modelConfig != null) args.AddRange(new[] { "--proxy-config-file", modelConfig });
            var command = KubiyaCli.Command(cli, args);
            var psi = new ProcessStartInfo(command.FileName, CommandLine.Quote(command.Arguments))
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                CreateNoWindow = true,
                WorkingDirectory = workingDirectory,
            };
            foreach (var kv in command.Environment) psi.Environment[kv.Key] = kv.Value;
            var process = Process.Start(psi) ?? throw new KubiyaException(KubiyaErrorKind.Internal, "WebUIStartFailed", "The web UI process did not start.", queue);
            process.StandardInput.Close();
            var errors = new List<string>();
            process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (errors) errors.Add(e.Data); };
            process.BeginErrorReadLine();
            try
            {
                var announced = ReadAnnouncementAsync(process.StandardOutput);
                var first = await Task.WhenAny(announced, Task.Delay(TimeSpan.FromSeconds(60), cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                var url = first == announced ? await announced.ConfigureAwait(false) : null;
                if (url == null)
                {
                    string why;
                    lock (errors) why = errors.LastOrDefault(e => e.StartsWith("kubiya: error:", StringComparison.Ordinal)) ?? errors.LastOrDefault() ?? "it did not announce an address within 60 s";
                    throw new KubiyaException(KubiyaErrorKind.Internal, "WebUIStartFailed", (queue != null ? $"The web UI for queue '{queue}' did not start: " : "The web UI did not start: ") + why.Replace("kubiya: error: ", ""), queue);
                }
                // Keep draining its output, so a full pipe never blocks it.
                _ = process.StandardOutput.ReadToEndAsync();
                return new WebUIProcess(process, url);
            }
            catch
            {
                ProcessTree.Kill(process);
                process.Dispose();
                throw;
            }
        }

        private static async Task<string?> ReadAnnouncementAsync(StreamReader output)
        {
            string? line;
            while ((line = await output.ReadLineAsync().ConfigureAwait(false)) != null)
                if (line.StartsWith(Announcement, StringComparison.Ordinal)) return line.Substring(Announcement.Length).Trim();
            return null;
        }

        /// <summary>Stops the child (SIGTERM, then kill after a grace) and waits for it.</summary>
        public void Stop()
        {
            try
            {
                if (process.HasExited) return;
                if (!ProcessSignals.Terminate(process.Id) || !process.WaitForExit(5000)) ProcessTree.Kill(process);
                process.WaitForExit(5000);
            }
            catch (InvalidOperationException) { }
        }

        /// <inheritdoc />
        public void Dispose()
        {
            Stop();
            process.Dispose();
        }
    }
}
