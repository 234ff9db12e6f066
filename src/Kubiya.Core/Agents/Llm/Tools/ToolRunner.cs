using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Activities;
using Kubiya.Core.Secrets;
using System.Collections.Generic;

namespace Kubiya.Core.Agents.Llm.Tools
{
    /// <summary>
    /// Runs built-in tools (all but the workflow's own <c>ask_user</c> and <c>checkpoint</c>) and
    /// MCP tools (<c>SERVER__TOOL</c>) on a worker. Every path is confined to
    /// <see cref="ToolRequest.WorkingDirectory"/>, commands are checked against the agent's
    /// <see cref="ToolPolicy"/>, and output for the model is bounded to <see cref="MaxOutputBytes"/>.
    /// Problems come back as error results; only cancellation throws.
    /// </summary>
    public sealed class ToolRunner : IToolRunner, IDisposable, IAsyncDisposable
    {
        private readonly ProcessTools processes;
        private readonly McpToolSource mcp;
        private readonly bool ownsMcp;

        /// <summary>
        /// Creates a runner. <paramref name="mcpTools"/> shares started MCP servers (a new source,
        /// owned and disposed by this runner, when null).
        /// </summary>
        public ToolRunner(McpToolSource? mcpTools = null)
            : this(mcpTools, null)
        {
        }

        /// <summary>For tests: <paramref name="powerShellProcess"/> replaces how the pwsh process is built.</summary>
        internal ToolRunner(McpToolSource? mcpTools, Func<string, ProcessStartInfo?>? powerShellProcess)
        {
            processes = new ProcessTools(powerShellProcess);
            ownsMcp = mcpTools == null;
            mcp = mcpTools ?? new McpToolSource();
            WithheldVariables = new HashSet<string>(ProductSecrets.WellKnown, StringComparer.OrdinalIgnoreCase);
        }

        /// <summary>
        /// Variables of the worker's environment that tools' processes and MCP servers do not inherit
        /// unless the agent's <c>env</c> sets them: by default the product's well-known credentials
        /// (<see cref="ProductSecrets.WellKnown"/>); a worker adds the ones its models.yaml refers to.
        /// </summary>
        public ICollection<string> WithheldVariables
        {
            get => processes.WithheldVariables!;
            set
            {
                processes.WithheldVariables = value;
                if (ownsMcp) mcp.WithheldVariables = value;
            }
        }

        /// <summary>Most bytes of output handed back to the model (head and tail kept).</summary>
        public int MaxOutputBytes { get; set; } = BoundedOutput.DefaultMaxBytes;

        /// <summary>The MCP servers this runner calls (for listing an agent's MCP tools in an activity).</summary>
        public McpToolSource McpTools => mcp;

        /// <inheritdoc />
        public async Task<ToolResult> RunAsync(ToolRequest request, Action<string, bool> onOutputLine, CancellationToken cancellationToken)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            cancellationToken.ThrowIfCancellationRequested();
            onOutputLine ??= (_, _) => { };
            var tool = request.Tool ?? "";
            var max = Math.Max(1024, MaxOutputBytes);
            try
            {
                if (BuiltInTools.IsWorkflowTool(tool))
                    throw new ToolException($"'{tool}' is answered by the agent's workflow, not run as a tool");
                if (!BuiltInTools.IsKnown(tool) && BuiltInTools.IsMcpToolName(tool))
                    return await mcp.CallAsync(request, max, cancellationToken).ConfigureAwait(false);
                if (!BuiltInTools.IsKnown(tool)) throw new ToolException(BuiltInTools.UnknownToolMessage(tool)!);
                var args = ToolArguments.Parse(tool, request.ArgumentsJson);
                var paths = new WorkspacePaths(request.WorkingDirectory);
                switch (tool)
                {
                    case BuiltInTools.ReadFile: return FileTools.Read(paths, args, max);
                    case BuiltInTools.WriteFile: return FileTools.Write(paths, args);
                    case BuiltInTools.EditFile: return FileTools.Edit(paths, args);
                    case BuiltInTools.ListFiles: return Bound(FileTools.List(paths, args), max);
                    case BuiltInTools.SearchFiles: return Bound(FileTools.Search(paths, args), max);
                    case BuiltInTools.Shell: return await processes.ShellAsync(paths, request, args, max, onOutputLine, cancellationToken).ConfigureAwait(false);
                    case BuiltInTools.PowerShell: return await processes.PowerShellAsync(paths, request, args, max, onOutputLine, cancellationToken).ConfigureAwait(false);
                    case BuiltInTools.Git: return await processes.GitAsync(paths, request, args, max, onOutputLine, cancellationToken).ConfigureAwait(false);
                    case BuiltInTools.HttpGet: return await HttpGetTool.RunAsync(request, args, max, cancellationToken).ConfigureAwait(false);
                    default: throw new ToolException(BuiltInTools.UnknownToolMessage(tool)!);
                }
            }
            catch (ToolException ex)
            {
                return Error(ex.Message);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (UnauthorizedAccessException ex)
            {
                return Error($"{tool}: access denied: {Relative(ex.Message, request.WorkingDirectory)}");
            }
            catch (IOException ex)
            {
                return Error($"{tool}: {Relative(ex.Message, request.WorkingDirectory)}");
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                return Error($"{tool} failed: {ex.Message}");
            }
        }

        /// <summary>Stops the MCP servers this runner started (when it owns its <see cref="McpToolSource"/>).</summary>
        public ValueTask DisposeAsync() => ownsMcp ? mcp.DisposeAsync() : default;

        /// <summary>Stops the MCP servers this runner started (blocking).</summary>
        public void Dispose()
        {
            if (ownsMcp) mcp.Dispose();
        }

        private static ToolResult Error(string message) => new ToolResult { IsError = true, Output = message };

        private static ToolResult Bound(ToolResult result, int max)
        {
            result.Output = BoundedOutput.Bound(result.Output, max, out var truncated);
            result.Truncated |= truncated;
            return result;
        }

        // File system messages carry the worker's absolute paths; the model only knows relative ones.
        private static string Relative(string message, string workingDirectory)
        {
            if (string.IsNullOrEmpty(workingDirectory)) return message;
            var root = Path.GetFullPath(workingDirectory).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
            return message.Replace(root, "");
        }
    }
}
