using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Kubiya.Core.Workers;
using Kubiya.PowerShell.Completion;
using Kubiya.PowerShell.Internal;
using Kubiya.PowerShell.Jobs;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists workers: this session's worker jobs, this machine's daemon workers, every worker on the namespace by its health heartbeat, and the pollers the server reports per queue.</para>
    /// <para type="description">Without -QueueId the queues are this session's workers' and those this machine has
    /// run workers for (~/.kubiya/workers).</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "KubiyaWorker")]
    [OutputType(typeof(WorkerInfo))]
    public sealed class GetKubiyaWorkerCommand : KubiyaCmdlet
    {
        /// <summary>Queues to ask the server about.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(QueueCompleter))]
        public string[]? QueueId { get; set; }

        /// <summary>Only this session's worker jobs (no server call).</summary>
        [Parameter]
        public SwitchParameter Session { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var jobs = WorkerJobs.InSession(this)
                .Where(j => QueueId == null || QueueId.Contains(j.QueueId)).ToList();
            var identities = new HashSet<string>(StringComparer.Ordinal);
            foreach (var j in jobs)
            {
                if (j.Identity != null) identities.Add(j.Identity);
                WriteObject(new WorkerInfo
                {
                    QueueId = j.QueueId,
                    Identity = j.Identity ?? "",
                    Source = "Job",
                    State = j.JobStateInfo.State.ToString(),
                    JobId = j.Id,
                    StartedAt = j.StartedAt,
                    ActiveSteps = j.ActiveSteps,
                    CompletedSteps = j.CompletedSteps,
                    LogFile = j.LogFile,
                    WebUI = j.WebUI,
                });
            }
            if (Session) return;
            var queues = QueueId ?? Runtime.KnownQueues().Concat(jobs.Select(j => j.QueueId)).Distinct(StringComparer.Ordinal).ToArray();
            foreach (var daemon in DaemonWorkers.All(Runtime.Settings.Paths))
                if (daemon.Value.State != DaemonState.Stopped && queues.Contains(daemon.Key))
                {
                    var info = DaemonWorkers.ToWorkerInfo(daemon.Key, daemon.Value);
                    info.WebUI = Core.WebUI.WebUIAddress.Read(new WorkerPaths(daemon.Key, Runtime.Settings.Paths));
                    WriteObject(info);
                }
            // Every worker on the namespace that sends health heartbeats (Lost when silent for 3 intervals).
            TryRun(() =>
            {
                var health = Run((pump, ct) => Runtime.WorkerHealthAsync(null, ct));
                foreach (var h in health.Where(h => (QueueId == null || QueueId.Contains(h.QueueId)) && !identities.Contains(h.Identity)))
                {
                    identities.Add(h.Identity);
                    WriteObject(h);
                }
            }, "health");
            foreach (var queue in queues)
            {
                TryRun(() =>
                {
                    var pollers = Run((pump, ct) => Runtime.PollersAsync(queue, ct));
                    foreach (var p in pollers.Where(p => !identities.Contains(p.Identity))) WriteObject(p);
                }, queue);
            }
        }
    }
}
