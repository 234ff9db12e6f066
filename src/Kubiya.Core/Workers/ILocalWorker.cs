using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Configuration;

namespace Kubiya.Core.Workers
{
    /// <summary>A worker started for one local execution, stopped when it ends.</summary>
    public interface ILocalWorker
    {
        /// <summary>Identity reported to the server.</summary>
        string Identity { get; }

        /// <summary>Stops it gracefully and removes what it left behind.</summary>
        Task StopAsync();
    }

    /// <summary>
    /// Starts the ephemeral worker of a local execution. Fronts replace the default to host it
    /// their own way (the module runs it as a job visible to Get-Job).
    /// </summary>
    public interface ILocalWorkerLauncher
    {
        /// <summary>Starts a worker polling <paramref name="options"/>.Queue.</summary>
        Task<ILocalWorker> StartAsync(KubiyaSettings settings, WorkerHostOptions options, CancellationToken cancellationToken);
    }

    /// <summary>The default launcher: a <see cref="WorkerHost"/> in this process.</summary>
    public sealed class InProcessWorkerLauncher : ILocalWorkerLauncher
    {
        /// <inheritdoc />
        /// <remarks>
        /// The worker is built on a pool thread: its synchronous part (loggers, definitions, the
        /// SDK worker) then overlaps the caller's submission of the execution instead of delaying it.
        /// </remarks>
        public async Task<ILocalWorker> StartAsync(KubiyaSettings settings, WorkerHostOptions options, CancellationToken cancellationToken) =>
            new HostedLocalWorker(await Task.Run(() => WorkerHost.StartAsync(settings, options, cancellationToken), cancellationToken).ConfigureAwait(false));

        private sealed class HostedLocalWorker : ILocalWorker
        {
            private readonly WorkerHost host;
            public HostedLocalWorker(WorkerHost host) => this.host = host;
            public string Identity => host.Identity;
            public async Task StopAsync()
            {
                await host.StopAsync().ConfigureAwait(false);
                host.Dispose();
            }
        }
    }
}
