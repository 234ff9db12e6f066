using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Processes;

namespace Kubiya.Core.Workers
{
    /// <summary>
    /// Tells a worker process when to stop on its own: its queue's <c>stop.request</c> file
    /// appeared (<c>kubiya worker stop</c>, the supervisor draining), or the supervisor that
    /// started it is gone (killed with -9), so no worker is left running unsupervised.
    /// </summary>
    public static class StopRequest
    {
        /// <summary>
        /// Completes with the reason once a stop is requested; cancelled with <paramref name="cancellationToken"/>.
        /// </summary>
        /// <param name="paths">The worker's files.</param>
        /// <param name="supervisorPid">The supervising process, if any.</param>
        /// <param name="cancellationToken">Ends the watch.</param>
        public static async Task<string> WaitAsync(WorkerPaths paths, int? supervisorPid, CancellationToken cancellationToken)
        {
            var supervisorStart = supervisorPid is int pid ? ProcessProbe.StartTimeUtc(pid) : null;
            if (supervisorPid != null && supervisorStart == null) return $"supervisor (pid {supervisorPid}) is gone";
            while (true)
            {
                if (File.Exists(paths.StopRequestFile)) return "stop requested (" + paths.StopRequestFile + ")";
                if (supervisorPid is int sp && !ProcessProbe.IsAlive(sp, supervisorStart ?? default))
                    return $"supervisor (pid {sp}) is gone";
                await Task.Delay(250, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
