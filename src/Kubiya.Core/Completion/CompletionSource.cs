using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Agents;
using Kubiya.Core.Executions;

namespace Kubiya.Core.Completion
{
    /// <summary>
    /// Values for tab completion of agent, team, queue and execution-id arguments. Every method
    /// matches by prefix, case-insensitively, and never throws for an unreachable server or a
    /// broken agent file: completion offers what it can find.
    /// </summary>
    public sealed class CompletionSource
    {
        /// <summary>How long completion may wait for the server (keeps Tab responsive).</summary>
        public static TimeSpan ServerTimeout { get; set; } = TimeSpan.FromSeconds(3);

        /// <summary>How many recent executions to offer for an id.</summary>
        public const int RecentExecutions = 50;

        private readonly KubiyaRuntime runtime;

        /// <summary>Creates a source over <paramref name="runtime"/>'s settings.</summary>
        public CompletionSource(KubiyaRuntime runtime) => this.runtime = runtime;

        /// <summary>
        /// Agents (or, with <paramref name="teams"/>, teams) seen from <paramref name="workingDirectory"/>:
        /// built-ins, the home catalogue and the project's <c>.kubiya/agents</c>.
        /// </summary>
        public IReadOnlyList<CompletionCandidate> Agents(string workingDirectory, string prefix, bool teams)
        {
            AgentCatalog catalog;
            try
            {
                catalog = runtime.Agents(workingDirectory);
            }
            catch (Exception ex) when (!(ex is OutOfMemoryException))
            {
                return Array.Empty<CompletionCandidate>();
            }
            return catalog.Agents
                .Where(a => string.Equals(a.Kind, AgentKind.Team, StringComparison.OrdinalIgnoreCase) == teams)
                .Where(a => Matches(a.Name, prefix))
                .Select(a => new CompletionCandidate(a.Name, Describe(a)))
                .ToList();
        }

        /// <summary>
        /// Model names of the model list <paramref name="modelConfigFile"/> (a -ModelConfig typed on the
        /// command line), else of <c>~/.kubiya/models.yaml</c>, with their provider model and price.
        /// </summary>
        public IReadOnlyList<CompletionCandidate> Models(string? modelConfigFile, string prefix)
        {
            Kubiya.Core.Agents.Llm.Models.ModelCatalog catalog;
            try
            {
                catalog = Kubiya.Core.Agents.Llm.Models.ModelCatalog.Load(new Kubiya.Core.Agents.Llm.Models.ModelCatalogOptions { ConfigFile = modelConfigFile },
                    runtime.Settings.Paths, Environment.GetEnvironmentVariable);
            }
            catch (Exception ex) when (!(ex is OutOfMemoryException))
            {
                return Array.Empty<CompletionCandidate>();
            }
            return catalog.Models
                .Where(m => Matches(m.Name, prefix))
                .OrderBy(m => m.Name, StringComparer.OrdinalIgnoreCase)
                .Select(m => new CompletionCandidate(m.Name, $"{m.Provider}/{m.ProviderModel}" +
                    (m.Price is { } p ? $", ${p.InputPerToken * 1_000_000:0.##} / ${p.OutputPerToken * 1_000_000:0.##} per million tokens in / out" : "")))
                .ToList();
        }

        /// <summary>
        /// Queues: those this machine has run workers for, <paramref name="liveQueues"/> (e.g. a
        /// session's worker jobs), and those recent executions were sent to (live on the server).
        /// </summary>
        public async Task<IReadOnlyList<CompletionCandidate>> QueuesAsync(string prefix, IEnumerable<string> liveQueues, CancellationToken cancellationToken)
        {
            var found = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var q in liveQueues) found[q] = "worker in this session";
            foreach (var q in runtime.KnownQueues()) if (Offered(q) && !found.ContainsKey(q)) found[q] = "worker folder on this machine";
            foreach (var e in await RecentAsync(cancellationToken).ConfigureAwait(false))
                if (!string.IsNullOrEmpty(e.Queue) && Offered(e.Queue!) && !found.ContainsKey(e.Queue!)) found[e.Queue!] = $"used by {e.Id} ({e.Status})";
            return found
                .Where(kv => Matches(kv.Key, prefix))
                .OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase)
                .Select(kv => new CompletionCandidate(kv.Key, kv.Value))
                .ToList();
        }

        /// <summary>
        /// A queue worth offering: not the one-run queue of a <c>-Local</c> execution (its worker is
        /// gone with the run) and a valid queue id (a worker could poll it).
        /// </summary>
        private static bool Offered(string queue)
        {
            if (queue.StartsWith(DeadLocalRuns.QueuePrefix, StringComparison.Ordinal)) return false;
            try
            {
                Workers.WorkerPaths.ValidateQueueId(queue);
                return true;
            }
            catch (Errors.KubiyaException)
            {
                return false;
            }
        }

        /// <summary>Schedules on the server, by name, with their spec, what they run and whether they are paused.</summary>
        public async Task<IReadOnlyList<CompletionCandidate>> SchedulesAsync(string prefix, CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ServerTimeout);
            try
            {
                var service = await runtime.SchedulesAsync(timeout.Token).ConfigureAwait(false);
                var list = await service.ListAsync(timeout.Token).ConfigureAwait(false);
                return list
                    .Where(x => Matches(x.Name, prefix))
                    .OrderBy(x => x.Name, StringComparer.OrdinalIgnoreCase)
                    .Select(x => new CompletionCandidate(x.Name, $"{x.Spec} | {(x.Team != null ? "team " + x.Team : x.Agent)} | {(x.Paused ? "paused" : "active")} | {x.Prompt}"))
                    .ToList();
            }
            catch (Exception ex) when (!(ex is OutOfMemoryException) && !cancellationToken.IsCancellationRequested)
            {
                return Array.Empty<CompletionCandidate>();
            }
        }

        /// <summary>Recent execution ids, newest first, with status, agent and prompt in the tooltip.</summary>
        public async Task<IReadOnlyList<CompletionCandidate>> ExecutionIdsAsync(string prefix, IReadOnlyList<string>? statuses, CancellationToken cancellationToken)
        {
            var recent = await RecentAsync(cancellationToken, statuses).ConfigureAwait(false);
            return recent
                .Where(e => Matches(e.Id, prefix))
                .OrderByDescending(e => e.CreatedAt)
                .Select(e => new CompletionCandidate(e.Id, Describe(e)))
                .ToList();
        }

        private async Task<IReadOnlyList<ExecutionInfo>> RecentAsync(CancellationToken cancellationToken, IReadOnlyList<string>? statuses = null)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ServerTimeout);
            try
            {
                var service = await runtime.ExecutionsAsync(timeout.Token).ConfigureAwait(false);
                var filter = new ExecutionFilter { First = RecentExecutions, Statuses = statuses ?? Array.Empty<string>() };
                return await service.ListAsync(filter, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!(ex is OutOfMemoryException) && !cancellationToken.IsCancellationRequested)
            {
                // No server, a slow one, or no permission: complete from local sources only.
                return Array.Empty<ExecutionInfo>();
            }
        }

        private static bool Matches(string value, string prefix) =>
            value.StartsWith(prefix ?? "", StringComparison.OrdinalIgnoreCase);

        private static string Describe(AgentDefinition a)
        {
            var what = string.Equals(a.Kind, AgentKind.Team, StringComparison.OrdinalIgnoreCase)
                ? $"team of {string.Join(", ", a.Agents)}"
                : a.Kind;
            return string.IsNullOrEmpty(a.Description) ? what : $"{what}: {a.Description}";
        }

        private static string Describe(ExecutionInfo e)
        {
            var who = e.Team ?? e.Agent ?? "?";
            var prompt = e.Prompt.Length > 60 ? e.Prompt.Substring(0, 57) + "..." : e.Prompt;
            return $"{e.Status} | {who} | {e.CreatedAt.ToLocalTime():yyyy-MM-dd HH:mm} | {prompt}";
        }
    }
}
