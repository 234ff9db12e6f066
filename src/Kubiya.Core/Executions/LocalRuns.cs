using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Processes;

namespace Kubiya.Core.Executions
{
    /// <summary>
    /// The local executions (<c>-Local</c> / <c>--local</c>) this process serves with an ephemeral
    /// worker. Nothing else will ever serve their queue, so when the process is ended (SIGTERM from
    /// a pipeline's cancel, SIGHUP from a closed terminal, the engine exiting) they are terminated
    /// here with the reason, and their step processes stopped, before the process goes.
    /// </summary>
    public static class LocalRuns
    {
        /// <summary>How long exit handling may take in total (a CI runner sends SIGKILL soon after SIGTERM).</summary>
        public static readonly TimeSpan ExitBudget = TimeSpan.FromSeconds(4);

        private static readonly ConcurrentDictionary<string, ExecutionService> Active = new ConcurrentDictionary<string, ExecutionService>(StringComparer.Ordinal);
        private static int hooked;
        private static int signalsHooked;

        /// <summary>
        /// Also end them on SIGTERM / SIGHUP, for hosts that let those signals kill the process (pwsh).
        /// A front that turns the signals into a graceful cancel of its own (the kubiya CLI) does not call this.
        /// </summary>
        public static void EndOnTerminationSignals()
        {
            if (Interlocked.Exchange(ref signalsHooked, 1) == 0) TerminationSignals.OnTerminate(EndAllOnExit);
        }

        /// <summary>True while <paramref name="id"/> runs on an ephemeral worker of this process.</summary>
        public static bool IsServedHere(string id) => Active.ContainsKey(id);

        /// <summary>Records that this process serves <paramref name="id"/>; dispose the result when it ended.</summary>
        public static IDisposable Register(string id, ExecutionService service)
        {
            if (Interlocked.Exchange(ref hooked, 1) == 0) AppDomain.CurrentDomain.ProcessExit += (_, _) => EndAllOnExit();
            Active[id] = service;
            return new Registration(id);
        }

        /// <summary>
        /// Ends every local execution still registered: terminated with <paramref name="reason"/>
        /// (reads Cancelled), since their worker is about to go; then every step process of this
        /// process is stopped, so none outlives it.
        /// </summary>
        public static async Task EndAllAsync(string reason, TimeSpan budget)
        {
            var runs = Active.ToArray();
            using (var cts = new CancellationTokenSource(budget))
            {
                await Task.WhenAll(runs.Select(r => TerminateQuietlyAsync(r.Key, r.Value, reason, cts.Token))).ConfigureAwait(false);
            }
            await Task.Run(() => StepProcessGroup.StopAll(TimeSpan.FromSeconds(1))).ConfigureAwait(false);
        }

        private static async Task TerminateQuietlyAsync(string id, ExecutionService service, string reason, CancellationToken ct)
        {
            try
            {
                await service.TerminateAsync(id, reason, ct).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Ended meanwhile, or the server is gone: the next command that reads it ends it (see DeadLocalRuns).
            }
        }

        private static void EndAllOnExit()
        {
            string process;
            using (var self = Process.GetCurrentProcess()) process = $"{self.ProcessName} {self.Id}";
            try
            {
                Task.Run(() => EndAllAsync($"The process that ran it locally ({process} on {Environment.MachineName}) was ended.", ExitBudget))
                    .Wait(ExitBudget + TimeSpan.FromSeconds(2));
            }
            catch (Exception)
            {
                // Exiting anyway.
            }
        }

        private sealed class Registration : IDisposable
        {
            private readonly string id;
            public Registration(string id) => this.id = id;
            public void Dispose() => Active.TryRemove(id, out _);
        }
    }
}
