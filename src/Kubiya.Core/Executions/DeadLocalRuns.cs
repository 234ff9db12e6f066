using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Configuration;
using Kubiya.Core.Connection;
using Kubiya.Core.Errors;
using Kubiya.Core.Workers;

namespace Kubiya.Core.Executions
{
    /// <summary>
    /// A local run lives on an ephemeral <c>local-*</c> queue that only the process which started it
    /// serves. When that process died without ending it (SIGKILL, a closed terminal, a crash), no
    /// worker will ever serve it again; the next command that reads it ends it, with the reason.
    /// </summary>
    internal static class DeadLocalRuns
    {
        /// <summary>
        /// A Temporal server reports a poller's last access as the start of its current long poll,
        /// up to a minute (plus slack) ago for a live worker; the embedded server reports pollers
        /// inside a long poll as seen now.
        /// </summary>
        private static readonly TimeSpan ExternalLongPollAllowance = TimeSpan.FromSeconds(70);

        /// <summary>Queue prefix of the ephemeral queues of local runs.</summary>
        public const string QueuePrefix = "local-";

        /// <summary>
        /// Terminates <paramref name="info"/> when it is an open local run whose queue had no poller
        /// for <see cref="KubiyaSettings.LocalRunGrace"/>; true when it did.
        /// </summary>
        public static async Task<bool> EndIfDeadAsync(KubiyaConnection connection, KubiyaSettings settings, ExecutionService service,
            ExecutionInfo info, CancellationToken ct)
        {
            if (info.IsFinished || info.Queue == null || !info.Queue.StartsWith(QueuePrefix, StringComparison.Ordinal)) return false;
            if (LocalRuns.IsServedHere(info.Id)) return false;
            var now = DateTimeOffset.UtcNow;
            var since = (info.StartedAt ?? info.CreatedAt).ToUniversalTime();
            if (now - since < settings.LocalRunGrace) return false;
            try
            {
                var pollers = await WorkerDirectory.PollersAsync(connection, info.Queue, ct).ConfigureAwait(false);
                var lastSeen = pollers.Select(p => p.LastAccessTime).Where(t => t != null).Select(t => t!.Value.ToUniversalTime()).DefaultIfEmpty(since).Max();
                var allowance = await IsKubiyaServerAsync(connection, ct).ConfigureAwait(false) ? TimeSpan.Zero : ExternalLongPollAllowance;
                if (now - lastSeen < settings.LocalRunGrace + allowance) return false;
                var reason = $"Its local worker is gone: nothing served queue {info.Queue} for {settings.LocalRunGrace.TotalSeconds:0} s " +
                    $"(the session or process that ran it ended without finishing it); ended by {Environment.UserName}@{Environment.MachineName}.";
                await service.TerminateAsync(info.Id, reason, ct).ConfigureAwait(false);
                return true;
            }
            catch (KubiyaException)
            {
                // A server that cannot describe queues, or it ended meanwhile: leave it as it reads.
                return false;
            }
        }

        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> KubiyaServers = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);

        private static async Task<bool> IsKubiyaServerAsync(KubiyaConnection connection, CancellationToken ct)
        {
            if (KubiyaServers.TryGetValue(connection.Address, out var known)) return known;
            try
            {
                var info = await connection.Client.Connection.WorkflowService.GetClusterInfoAsync(new Temporalio.Api.WorkflowService.V1.GetClusterInfoRequest(),
                    new Temporalio.Client.RpcOptions { CancellationToken = ct }).ConfigureAwait(false);
                return KubiyaServers[connection.Address] = info.ClusterName == "kubiya";
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                return false;
            }
        }
    }
}
