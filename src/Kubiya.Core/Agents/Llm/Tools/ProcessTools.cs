using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Activities;
using Kubiya.Core.Processes;

namespace Kubiya.Core.Agents.Llm.Tools
{
    /// <summary>shell, powershell and git: one process per call through <see cref="ProcessRunner"/>.</summary>
    internal sealed class ProcessTools
    {
        private static readonly string[] GitRefusedReadOptions = { "--output", "--no-index", "--ext-diff", "--exec-path", "--upload-pack", "--receive-pack" };
        private readonly Func<string, ProcessStartInfo?> powerShellProcess;

        /// <summary>Inherited variables a tool's process never sees unless the agent sets them.</summary>
        public ICollection<string>? WithheldVariables { get; set; }

        public ProcessTools(Func<string, ProcessStartInfo?>? powerShellProcess)
        {
            this.powerShellProcess = powerShellProcess ?? CommandLocator.PowerShell;
        }

        public Task<ToolResult> ShellAsync(WorkspacePaths paths, ToolRequest request, ToolArguments args, int maxBytes, Action<string, bool> onLine, CancellationToken ct)
        {
            var command = args.RequiredString("command");
            var denied = CommandPolicy.Check(command, request.Policy);
            if (denied != null) throw new ToolException(denied);
            var psi = CommandLocator.Shell(command);
            return RunAsync(paths, request, args, maxBytes, onLine, ct, psi, (env, line, timeout, token) => ProcessRunner.RunAsync(psi, paths.Root, env, line, timeout, token), null);
        }

        public Task<ToolResult> PowerShellAsync(WorkspacePaths paths, ToolRequest request, ToolArguments args, int maxBytes, Action<string, bool> onLine, CancellationToken ct)
        {
            var script = args.RequiredString("script");
            var denied = CommandPolicy.Check(script, request.Policy);
            if (denied != null) throw new ToolException(denied);
            var psi = powerShellProcess(script);
            if (psi != null)
                return RunAsync(paths, request, args, maxBytes, onLine, ct, psi, (env, line, timeout, token) => ProcessRunner.RunAsync(psi, paths.Root, env, line, timeout, token), null);
            throw new ToolException("powershell: this worker has no pwsh (PowerShell 7); install it on PATH, or start the worker from pwsh or Windows PowerShell");
        }

        public Task<ToolResult> GitAsync(WorkspacePaths paths, ToolRequest request, ToolArguments args, int maxBytes, Action<string, bool> onLine, CancellationToken ct)
        {
            var sub = args.RequiredString("subcommand").Trim();
            var extra = args.StringList("args");
            if (sub.StartsWith("-", StringComparison.Ordinal) || sub.Any(char.IsWhiteSpace))
                throw new ToolException($"git: '{sub}' is not a subcommand; put options in args");
            var readOnly = BuiltInTools.GitReadOnlySubcommands.Contains(sub.ToLowerInvariant());
            if (!readOnly && !request.Policy.GitWrite)
                throw new ToolException($"git {sub} is denied by policy: this agent may only run {string.Join(", ", BuiltInTools.GitReadOnlySubcommands.Select(s => "git " + s))}");
            if (readOnly && !request.Policy.GitWrite)
            {
                var refused = extra.FirstOrDefault(a => GitRefusedReadOptions.Any(o => a.StartsWith(o, StringComparison.OrdinalIgnoreCase)));
                if (refused != null) throw new ToolException($"git {sub}: the option '{refused}' is denied by policy (it writes files or reaches outside the repository)");
            }
            var git = CommandLocator.FindOnPath(CommandLocator.IsWindows ? "git.exe" : "git")
                ?? throw new ToolException("git: git is not installed on this worker");
            var arguments = new List<string> { "--no-pager", "-c", "core.pager=cat", "-c", "color.ui=false", sub };
            arguments.AddRange(extra);
            var psi = new ProcessStartInfo(git) { Arguments = string.Join(" ", arguments.Select(CommandLocator.Quote)) };
            var gitEnv = new Dictionary<string, string>
            {
                ["GIT_TERMINAL_PROMPT"] = "0",
                ["GIT_PAGER"] = "cat",
                // The repository must be the working directory or inside it, never a parent.
                ["GIT_CEILING_DIRECTORIES"] = Path.GetDirectoryName(paths.Root) ?? paths.Root,
            };
            return RunAsync(paths, request, args, maxBytes, onLine, ct, psi, (env, line, timeout, token) => ProcessRunner.RunAsync(psi, paths.Root, env, line, timeout, token), gitEnv);
        }

        private delegate Task<int> Runner(IDictionary<string, string> env, Action<string, bool> onLine, TimeSpan timeout, CancellationToken ct);

        private async Task<ToolResult> RunAsync(WorkspacePaths paths, ToolRequest request, ToolArguments args, int maxBytes,
            Action<string, bool> onLine, CancellationToken ct, ProcessStartInfo? psi, Runner run, IDictionary<string, string>? fixedEnv)
        {
            var resolved = ToolEnvironment.Resolve(request.Env, WithheldVariables);
            var env = resolved.Values;
            var masker = resolved.Masker;
            if (fixedEnv != null) foreach (var kv in fixedEnv) env[kv.Key] = kv.Value;
            if (psi != null) foreach (var name in resolved.Withheld) psi.Environment.Remove(name);
            var output = new BoundedOutput(maxBytes);
            void OnLine(string line, bool isError)
            {
                var safe = masker.Apply(line);
                output.AppendLine(safe);
                onLine?.Invoke(safe, isError);
            }
            var limit = request.TimeoutSeconds > 0 ? request.TimeoutSeconds : 600;
            var asked = args.OptionalPositiveNumber("timeoutSeconds");
            var seconds = asked != null && asked < limit ? asked.Value : limit;
            var timeout = TimeSpan.FromSeconds(seconds);
            int exit;
            try
            {
                exit = await run(env, OnLine, timeout, ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return new ToolResult
                {
                    IsError = true,
                    Output = $"timed out after {seconds:0.###}s; the process and its children were stopped\n" + output,
                    Truncated = output.Truncated,
                };
            }
            catch (Exception ex) when (!(ex is OperationCanceledException) && !(ex is ToolException))
            {
                throw new ToolException($"{request.Tool}: could not start the process: {ex.Message}");
            }
            var text = output.ToString();
            if (exit == 0) return new ToolResult { Output = text.Length == 0 ? "(no output)" : text, ExitCode = 0, Truncated = output.Truncated };
            return new ToolResult { IsError = true, ExitCode = exit, Output = $"exit code {exit}\n" + text, Truncated = output.Truncated };
        }
    }
}
