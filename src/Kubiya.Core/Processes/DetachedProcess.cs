using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Kubiya.Core.Activities;
using Kubiya.Core.Errors;
using Kubiya.Core.Workers;
using Kubiya.Core.Security;

namespace Kubiya.Core.Processes
{
    /// <summary>
    /// Starts a process that outlives its starter: on Unix in its own session (setsid), with no
    /// terminal and none of the starter's pipes, its output appended to a file. A child that kept
    /// the starter's stdout would hold a caller's pipe open (a script's $(...), a CI step) until
    /// it exited.
    /// </summary>
    public static class DetachedProcess
    {
        /// <summary>Starts <paramref name="command"/> detached; returns its process id.</summary>
        /// <param name="command">Program, arguments and extra environment.</param>
        /// <param name="outputFile">Receives the process's stdout and stderr (appended).</param>
        public static int Start(CommandLine command, string outputFile)
        {
            OwnerOnly.Folder(Path.GetDirectoryName(Path.GetFullPath(outputFile))!);
            OwnerOnly.Touch(outputFile);
            return CommandLocator.IsWindows ? StartWindows(command) : StartUnix(command, outputFile);
        }

        private static int StartUnix(CommandLine command, string outputFile)
        {
            var detach = CommandLocator.FindOnPath("setsid") != null ? "setsid" : "nohup";
            // Paths and arguments travel as positional parameters, so nothing is re-parsed by the shell.
            const string script = "out=\"$1\"; shift; " + "DETACH \"$@\" </dev/null >>\"$out\" 2>&1 & echo $!";
            var args = new[] { "-c", script.Replace("DETACH", detach), "sh", outputFile, command.FileName }.Concat(command.Arguments);
            var psi = new ProcessStartInfo("/bin/sh", CommandLine.Quote(args))
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
            };
            foreach (var kv in command.Environment) psi.Environment[kv.Key] = kv.Value;
            using var sh = Process.Start(psi) ?? throw Failed(command, "the shell did not start");
            var pidText = sh.StandardOutput.ReadToEnd().Trim();
            sh.WaitForExit();
            if (!int.TryParse(pidText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
                throw Failed(command, $"no process id came back ('{pidText}')");
            return pid;
        }

        private static int StartWindows(CommandLine command)
        {
            var psi = new ProcessStartInfo(command.FileName, CommandLine.Quote(command.Arguments))
            {
                UseShellExecute = false,
                CreateNoWindow = true,
            };
            foreach (var kv in command.Environment) psi.Environment[kv.Key] = kv.Value;
            using var p = Process.Start(psi) ?? throw Failed(command, "Process.Start returned nothing");
            return p.Id;
        }

        private static KubiyaException Failed(CommandLine command, string why) =>
            new KubiyaException(KubiyaErrorKind.Internal, "DetachedStartFailed", $"Could not start {command.FileName} in the background: {why}.", command.FileName);
    }
}
