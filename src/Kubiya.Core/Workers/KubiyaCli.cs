using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Kubiya.Core.Activities;
using Kubiya.Core.Errors;

namespace Kubiya.Core.Workers
{
    /// <summary>
    /// Finds the <c>kubiya</c> executable and builds the command lines that run it: the daemon's
    /// supervisor is always the CLI's hidden <c>worker supervise</c> command, whether the CLI or
    /// the PowerShell module starts it.
    /// </summary>
    public static class KubiyaCli
    {
        /// <summary>The CLI's main assembly.</summary>
        public const string AssemblyFileName = "kubiya.dll";

        /// <summary>
        /// The CLI assembly shipped with this runtime: beside it (the CLI's own folder), or in a
        /// <c>Cli/</c> folder beside it or one level up (the module keeps its runtime in
        /// <c>Dependencies/</c> and the CLI in <c>Cli/</c>). Null when none is found.
        /// </summary>
        public static string? Locate(string? folder = null)
        {
            var here = folder ?? Path.GetDirectoryName(typeof(KubiyaCli).Assembly.Location) ?? AppContext.BaseDirectory;
            return new[] { here, Path.Combine(here, "Cli"), Path.Combine(here, "..", "Cli") }
                .Select(d => Path.Combine(d, AssemblyFileName))
                .Where(File.Exists)
                .Select(Path.GetFullPath)
                .FirstOrDefault();
        }

        /// <summary>
        /// A command running the CLI at <paramref name="assemblyPath"/> with <paramref name="arguments"/>:
        /// through the dotnet host when one is known, else through the CLI's own launcher.
        /// </summary>
        public static CommandLine Command(string assemblyPath, IEnumerable<string> arguments)
        {
            var dotnet = DotnetHost();
            if (dotnet != null) return new CommandLine(dotnet, new[] { assemblyPath }.Concat(arguments));
            var launcher = Path.Combine(Path.GetDirectoryName(assemblyPath)!, CommandLocator.IsWindows ? "kubiya.exe" : "kubiya");
            if (File.Exists(launcher)) return new CommandLine(launcher, arguments);
            throw new KubiyaException(KubiyaErrorKind.Internal, "DotnetNotFound",
                $"Cannot run {assemblyPath}: no 'dotnet' on PATH and no launcher beside it.", assemblyPath);
        }

        /// <summary>A command running the current process's program again (the CLI restarting itself as a child).</summary>
        public static CommandLine Self(IEnumerable<string> arguments)
        {
            using var me = Process.GetCurrentProcess();
            var program = me.MainModule?.FileName ?? throw new KubiyaException(KubiyaErrorKind.Internal, "ProgramUnknown", "The running program's path is unknown.", null);
            var name = Path.GetFileNameWithoutExtension(program);
            if (string.Equals(name, "dotnet", StringComparison.OrdinalIgnoreCase))
            {
                var entry = System.Reflection.Assembly.GetEntryAssembly()?.Location
                    ?? throw new KubiyaException(KubiyaErrorKind.Internal, "ProgramUnknown", "The running assembly's path is unknown.", null);
                return new CommandLine(program, new[] { entry }.Concat(arguments));
            }
            return new CommandLine(program, arguments);
        }

        /// <summary>The supervisor of a daemon worker for <paramref name="queueId"/>, run by <paramref name="cli"/> (the CLI without arguments).</summary>
        public static CommandLine Supervisor(CommandLine cli, string queueId, DaemonOptions options)
        {
            WorkerPaths.ValidateQueueId(queueId);
            var args = cli.Arguments.Concat(new[] { "worker", "supervise", "--queue-id", queueId }).Concat(options.Validate().ToArguments());
            var command = new CommandLine(cli.FileName, args);
            foreach (var kv in cli.Environment) command.Environment[kv.Key] = kv.Value;
            return command;
        }

        private static string? DotnetHost()
        {
            // Set by the dotnet CLI for the processes it starts (dotnet run / test): the same host.
            var fromHost = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(fromHost) && File.Exists(fromHost)) return fromHost;
            return CommandLocator.FindOnPath(CommandLocator.IsWindows ? "dotnet.exe" : "dotnet");
        }
    }
}
