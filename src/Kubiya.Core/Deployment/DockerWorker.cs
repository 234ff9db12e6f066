using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Configuration;
using Kubiya.Core.Errors;

namespace Kubiya.Core.Deployment
{
    /// <summary><c>kubiya worker start --type docker</c>: runs the worker image through the docker CLI.</summary>
    public static class DockerWorker
    {
        /// <summary>Fails with <c>DockerUnavailable</c> unless the docker CLI exists and its daemon answers (<c>docker info</c>).</summary>
        public static async Task CheckAsync(string docker, CancellationToken ct)
        {
            var (code, _, err) = await RunAsync(docker, new[] { "info", "--format", "{{.ServerVersion}}" }, ct).ConfigureAwait(false);
            if (code == null)
                throw new KubiyaException(KubiyaErrorKind.InvalidState, "DockerUnavailable",
                    $"--type docker needs the docker command, and '{docker}' is not installed or not on PATH.", docker);
            if (code != 0)
            {
                var first = (err ?? "").Split('\n')[0].Trim();
                throw new KubiyaException(KubiyaErrorKind.InvalidState, "DockerUnavailable",
                    $"The docker daemon is not running or not reachable{(first.Length > 0 ? ": " + first : ".")}", docker);
            }
        }

        /// <summary>The <c>docker run</c> arguments of a worker for <paramref name="queue"/> (the settings it needs go by name, values from this environment).</summary>
        public static IReadOnlyList<string> RunArguments(KubiyaSettings settings, string queue, string image)
        {
            var args = new List<string> { "run", "--rm", "--init", "--read-only", "--tmpfs", "/tmp", "-e", "QUEUE_ID=" + queue };
            if (settings.TemporalAddress != null) args.AddRange(new[] { "-e", "KUBIYA_TEMPORAL_ADDRESS=" + settings.TemporalAddress });
            args.AddRange(new[] { "-e", "KUBIYA_TEMPORAL_NAMESPACE=" + settings.Namespace });
            // The key's value stays in this process's environment: docker copies it by name.
            if (!string.IsNullOrEmpty(settings.ApiKey)) args.AddRange(new[] { "-e", "KUBIYA_API_KEY" });
            args.Add(image);
            args.AddRange(new[] { "worker", "start" });
            return args;
        }

        /// <summary>Runs a process to its end: exit code (null when it cannot start), stdout, stderr.</summary>
        internal static async Task<(int? Code, string? Out, string? Err)> RunAsync(string file, IEnumerable<string> args, CancellationToken ct)
        {
            var psi = new ProcessStartInfo(file, Workers.CommandLine.Quote(args)) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            Process p;
            try { p = Process.Start(psi)!; }
            catch (Win32Exception) { return (null, null, null); }
            using (p)
            {
                var stdout = p.StandardOutput.ReadToEndAsync();
                var stderr = p.StandardError.ReadToEndAsync();
                using (ct.Register(() => { try { p.Kill(); } catch (InvalidOperationException) { } }))
                    await Task.Run(() => p.WaitForExit(), ct).ConfigureAwait(false);
                return (p.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
            }
        }
    }
}
