using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Kubiya.Core.Secrets;

namespace Kubiya.Core.Agents.Llm.Tools
{
    /// <summary>
    /// Tools of MCP servers over stdio (ModelContextProtocol). Each server is started on first use
    /// with its environment's secret references resolved on this machine, kept for later calls
    /// (one process per definition and working directory) and stopped when idle, when it stops
    /// answering, or when this source is disposed. Its tools are offered as <c>SERVER__TOOL</c>.
    /// </summary>
    public sealed class McpToolSource : IDisposable, IAsyncDisposable
    {
        private static readonly Regex ValidServerName = new Regex("^[A-Za-z0-9-]+(?:_[A-Za-z0-9-]+)*$", RegexOptions.CultureInvariant);
        private readonly ConcurrentDictionary<string, Entry> servers = new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal);
        private readonly ILoggerFactory loggerFactory;
        private readonly TimeSpan idleTimeout;
        private readonly Timer sweeper;
        private int disposed;

        /// <summary>
        /// Creates a source. Servers unused for <paramref name="idleTimeout"/> (default 5 minutes) are stopped.
        /// </summary>
        public McpToolSource(TimeSpan? idleTimeout = null, ILoggerFactory? loggerFactory = null)
        {
            this.idleTimeout = idleTimeout ?? TimeSpan.FromMinutes(5);
            this.loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
            var period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(1).Ticks, Math.Min(this.idleTimeout.Ticks / 2, TimeSpan.FromSeconds(30).Ticks)));
            sweeper = new Timer(_ => SweepIdle(), null, period, period);
        }

        /// <summary>
        /// Variables of this process's environment a server does not inherit unless its definition
        /// sets them (default: <see cref="ProductSecrets.WellKnown"/>).
        /// </summary>
        public ICollection<string> WithheldVariables { get; set; } = new HashSet<string>(ProductSecrets.WellKnown, StringComparer.OrdinalIgnoreCase);

        /// <summary>Seconds a server may take to start and answer its handshake.</summary>
        public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>Servers running now.</summary>
        public int RunningServers => servers.Count;

        /// <summary>
        /// Starts (or reuses) each server and lists its tools as <c>SERVER__TOOL</c> specs with their input schemas.
        /// </summary>
        /// <exception cref="ToolException">A definition is invalid, or a server cannot be started or listed (the message names it).</exception>
        public async Task<List<ToolSpec>> ListToolsAsync(IEnumerable<McpServerDefinition> definitions, CancellationToken cancellationToken)
            => await ListToolsAsync(definitions, null, cancellationToken).ConfigureAwait(false);

        /// <summary>Like <see cref="ListToolsAsync(IEnumerable{McpServerDefinition}, CancellationToken)"/>, starting servers in <paramref name="workingDirectory"/>.</summary>
        public async Task<List<ToolSpec>> ListToolsAsync(IEnumerable<McpServerDefinition> definitions, string? workingDirectory, CancellationToken cancellationToken)
        {
            var list = definitions.ToList();
            Validate(list);
            var specs = new List<ToolSpec>();
            foreach (var definition in list)
            {
                var entry = await AcquireAsync(definition, workingDirectory, cancellationToken).ConfigureAwait(false);
                try
                {
                    var tools = await entry.Client.ListToolsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                    foreach (var tool in tools)
                    {
                        specs.Add(new ToolSpec
                        {
                            Name = definition.Name + BuiltInTools.McpSeparator + tool.Name,
                            Description = string.IsNullOrWhiteSpace(tool.Description) ? $"Tool '{tool.Name}' of the MCP server '{definition.Name}'." : tool.Description!,
                            ParametersJsonSchema = SchemaText(tool.JsonSchema),
                        });
                    }
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && !(ex is ToolException))
                {
                    await EvictAsync(entry).ConfigureAwait(false);
                    throw new ToolException($"MCP server '{definition.Name}' could not list its tools: {Describe(ex)}");
                }
                finally
                {
                    entry.Release();
                }
            }
            return specs;
        }

        /// <summary>
        /// Calls the <c>SERVER__TOOL</c> named in <paramref name="request"/> on the matching server of
        /// <see cref="ToolRequest.McpServers"/>. The tool's text content is joined; its error flag is kept.
        /// Only cancellation throws.
        /// </summary>
        public async Task<ToolResult> CallAsync(ToolRequest request, int maxBytes, CancellationToken cancellationToken)
        {
            try
            {
                var name = request.Tool ?? "";
                var split = name.IndexOf(BuiltInTools.McpSeparator, StringComparison.Ordinal);
                if (split <= 0) throw new ToolException($"'{name}' is not an MCP tool name (SERVER__TOOL)");
                var serverName = name.Substring(0, split);
                var tool = name.Substring(split + BuiltInTools.McpSeparator.Length);
                var definition = request.McpServers?.FirstOrDefault(s => string.Equals(s.Name, serverName, StringComparison.Ordinal))
                    ?? throw new ToolException($"unknown tool '{name}': this agent has no MCP server '{serverName}'"
                        + (request.McpServers == null || request.McpServers.Count == 0 ? "" : $" (its servers: {string.Join(", ", request.McpServers.Select(s => s.Name))})"));
                var seconds = request.TimeoutSeconds > 0 ? request.TimeoutSeconds : 600;
                return await CallAsync(definition, tool, request.ArgumentsJson, request.WorkingDirectory, TimeSpan.FromSeconds(seconds), maxBytes, cancellationToken).ConfigureAwait(false);
            }
            catch (ToolException ex)
            {
                return new ToolResult { IsError = true, Output = ex.Message };
            }
        }

        /// <summary>Calls <paramref name="tool"/> on <paramref name="definition"/>'s server.</summary>
        /// <exception cref="ToolException">Bad arguments, or the server cannot be started.</exception>
        public async Task<ToolResult> CallAsync(McpServerDefinition definition, string tool, string? argumentsJson, string? workingDirectory,
            TimeSpan timeout, int maxBytes, CancellationToken cancellationToken)
        {
            Validate(new[] { definition });
            var arguments = ToolArguments.Parse(definition.Name + BuiltInTools.McpSeparator + tool, argumentsJson);
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var p in arguments.Root.EnumerateObject()) values[p.Name] = p.Value;
            var entry = await AcquireAsync(definition, workingDirectory, cancellationToken).ConfigureAwait(false);
            using var timer = new CancellationTokenSource(timeout);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
            var evict = false;
            try
            {
                var result = await entry.Client.CallToolAsync(tool, values, cancellationToken: linked.Token).ConfigureAwait(false);
                var text = BoundedOutput.Bound(entry.Masker.Apply(ContentText(result)), maxBytes, out var truncated);
                return new ToolResult { Output = text, IsError = result.IsError == true, Truncated = truncated };
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A server that does not answer in time may be stuck: do not reuse it.
                evict = true;
                return new ToolResult { IsError = true, Output = $"MCP tool '{tool}' of server '{definition.Name}' did not answer within {timeout.TotalSeconds:0.###}s; the server was stopped" };
            }
            catch (McpException ex)
            {
                return new ToolResult { IsError = true, Output = $"MCP server '{definition.Name}' refused the call to '{tool}': {ex.Message}" };
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                evict = true;
                return new ToolResult { IsError = true, Output = $"MCP server '{definition.Name}' failed during the call to '{tool}': {Describe(ex)}" };
            }
            finally
            {
                entry.Release();
                if (evict) await EvictAsync(entry).ConfigureAwait(false);
            }
        }

        /// <summary>Stops every server.</summary>
        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 1) return;
            sweeper.Dispose();
            var all = servers.Values.ToList();
            servers.Clear();
            foreach (var entry in all) await entry.DisposeAsync().ConfigureAwait(false);
        }

        /// <summary>Stops every server (blocking).</summary>
        public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

        private static void Validate(IEnumerable<McpServerDefinition> definitions)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var d in definitions)
            {
                if (d == null) throw new ToolException("an MCP server definition is empty");
                if (string.IsNullOrWhiteSpace(d.Name) || !ValidServerName.IsMatch(d.Name) || d.Name.Contains(BuiltInTools.McpSeparator))
                    throw new ToolException($"MCP server name '{d.Name}' is not valid: use letters, digits, '-' and single '_' (tools are named SERVER__TOOL)");
                if (string.IsNullOrWhiteSpace(d.Command)) throw new ToolException($"MCP server '{d.Name}' has no command");
                if (!seen.Add(d.Name)) throw new ToolException($"MCP server '{d.Name}' is declared twice");
            }
        }

        private async Task<Entry> AcquireAsync(McpServerDefinition definition, string? workingDirectory, CancellationToken ct)
        {
            if (Volatile.Read(ref disposed) == 1) throw new ObjectDisposedException(nameof(McpToolSource));
            var key = Key(definition, workingDirectory);
            for (var attempt = 0; ; attempt++)
            {
                Entry entry;
                try
                {
                    entry = servers.GetOrAdd(key, _ =>
                    {
                        // Resolved before starting, so a missing variable is reported as itself.
                        var env = ToolEnvironment.Resolve(definition.Env, WithheldVariables);
                        return new Entry(key, () => StartAsync(definition, workingDirectory, env), env.Masker);
                    });
                }
                catch (ToolException ex)
                {
                    // An agent may list several servers: say whose environment cannot be built.
                    throw new ToolException($"MCP server '{definition.Name}' could not be started: {ex.Message}");
                }
                entry.Acquire();
                McpClient client;
                try
                {
                    client = await entry.Started.ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    entry.Release();
                    await EvictAsync(entry).ConfigureAwait(false);
                    ct.ThrowIfCancellationRequested();
                    throw new ToolException($"MCP server '{definition.Name}' could not be started ({definition.Command}): {Describe(ex)}");
                }
                if (!client.Completion.IsCompleted) return entry;
                // The server exited since its last call: start a fresh one once.
                entry.Release();
                await EvictAsync(entry).ConfigureAwait(false);
                if (attempt > 0) throw new ToolException($"MCP server '{definition.Name}' exits right after starting");
            }
        }

        private async Task<McpClient> StartAsync(McpServerDefinition definition, string? workingDirectory, ToolEnvironment env)
        {
            var variables = env.Values.ToDictionary(kv => kv.Key, kv => (string?)kv.Value);
            // A null value removes an inherited variable.
            foreach (var name in env.Withheld) variables[name] = null;
            var options = new StdioClientTransportOptions
            {
                Name = definition.Name,
                Command = definition.Command,
                Arguments = definition.Args.ToList(),
                EnvironmentVariables = variables,
                ShutdownTimeout = TimeSpan.FromSeconds(2),
            };
            // What a server wrote to stderr: one that dies while starting usually says why there.
            var errorOutput = new StartupErrorOutput(env.Masker);
            options.StandardErrorLines = errorOutput.Add;
            if (!string.IsNullOrWhiteSpace(workingDirectory)) options.WorkingDirectory = workingDirectory;
            var transport = new StdioClientTransport(options, loggerFactory);
            // Not the caller's token: a started server outlives the call that started it.
            using var startTimeout = new CancellationTokenSource(StartTimeout);
            try
            {
                return await McpClient.CreateAsync(transport, new McpClientOptions { InitializationTimeout = StartTimeout }, loggerFactory, startTimeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (errorOutput.Telling() is { } said)
            {
                throw new IOException($"{Describe(ex).TrimEnd('.')}; it wrote: {said}", ex);
            }
        }

        private async Task EvictAsync(Entry entry)
        {
            if (servers.TryGetValue(entry.Key, out var current) && ReferenceEquals(current, entry))
                servers.TryRemove(entry.Key, out _);
            await entry.DisposeAsync().ConfigureAwait(false);
        }

        private void SweepIdle()
        {
            foreach (var entry in servers.Values)
            {
                if (entry.IdleFor < idleTimeout) continue;
                _ = EvictAsync(entry);
            }
        }

        private static string Key(McpServerDefinition d, string? workingDirectory)
        {
            // Declared values only (references, not secrets), so keys never hold a key.
            var sb = new StringBuilder();
            sb.Append(d.Name).Append('\0').Append(d.Command).Append('\0').Append(workingDirectory ?? "").Append('\0');
            foreach (var a in d.Args) sb.Append(a).Append('\u0001');
            sb.Append('\0');
            foreach (var kv in d.Env.OrderBy(kv => kv.Key, StringComparer.Ordinal)) sb.Append(kv.Key).Append('=').Append(kv.Value).Append('\u0001');
            return sb.ToString();
        }

        private static string SchemaText(JsonElement schema) =>
            schema.ValueKind == JsonValueKind.Object ? schema.GetRawText() : "{\"type\":\"object\",\"properties\":{}}";

        private static string ContentText(CallToolResult result)
        {
            var parts = new List<string>();
            foreach (var block in result.Content ?? new List<ContentBlock>())
            {
                switch (block)
                {
                    case TextContentBlock text:
                        parts.Add(text.Text);
                        break;
                    case ImageContentBlock image:
                        parts.Add($"[image {image.MimeType}]");
                        break;
                    case AudioContentBlock audio:
                        parts.Add($"[audio {audio.MimeType}]");
                        break;
                    case EmbeddedResourceBlock resource when resource.Resource is TextResourceContents textResource:
                        parts.Add(textResource.Text);
                        break;
                    default:
                        parts.Add($"[{block.Type} content]");
                        break;
                }
            }
            if (parts.Count == 0 && result.StructuredContent != null) parts.Add(result.StructuredContent.ToString());
            return string.Join("\n", parts);
        }

        private static string Describe(Exception ex)
        {
            while (ex is AggregateException && ex.InnerException != null) ex = ex.InnerException;
            var message = ex.Message;
            return message.Length > 500 ? message.Substring(0, 500) + "..." : message;
        }

        /// <summary>One started (or starting) server.</summary>
        private sealed class Entry : IAsyncDisposable
        {
            private int users;
            private long lastUsedTicks = DateTime.UtcNow.Ticks;
            private int disposed;

            // Lazy: a concurrent GetOrAdd may build an entry it then discards, which must start nothing.
            private readonly Lazy<Task<McpClient>> start;

            public Entry(string key, Func<Task<McpClient>> start, SecretMasker masker)
            {
                Key = key;
                this.start = new Lazy<Task<McpClient>>(start, LazyThreadSafetyMode.ExecutionAndPublication);
                Masker = masker;
            }

            /// <summary>Masks the secrets this server was given.</summary>
            public SecretMasker Masker { get; }

            public string Key { get; }
            public Task<McpClient> Started => start.Value;
            public McpClient Client => Started.Result;

            public TimeSpan IdleFor => Volatile.Read(ref users) > 0 ? TimeSpan.Zero : TimeSpan.FromTicks(DateTime.UtcNow.Ticks - Interlocked.Read(ref lastUsedTicks));

            public void Acquire()
            {
                Interlocked.Increment(ref users);
                Interlocked.Exchange(ref lastUsedTicks, DateTime.UtcNow.Ticks);
            }

            public void Release()
            {
                Interlocked.Exchange(ref lastUsedTicks, DateTime.UtcNow.Ticks);
                Interlocked.Decrement(ref users);
            }

            public async ValueTask DisposeAsync()
            {
                if (Interlocked.Exchange(ref disposed, 1) == 1 || !start.IsValueCreated) return;
                try
                {
                    var client = await Started.ConfigureAwait(false);
                    await client.DisposeAsync().ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Never started, or already gone: nothing to stop.
                }
            }
        }
    }
}
