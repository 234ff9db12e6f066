using System;
using System.Management.Automation;
using Kubiya.Core.Analytics;
using Kubiya.PowerShell.Completion;
using Kubiya.PowerShell.Internal;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets execution analytics: counts, success rate, throughput, durations, queue wait and worker utilisation.</para>
    /// <para type="description">Summarises the executions created in a window (default the last 24 hours), for all of
    /// them or one row per agent, queue or status.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "KubiyaMetric")]
    [OutputType(typeof(ExecutionMetric))]
    public sealed class GetKubiyaMetricCommand : KubiyaCmdlet
    {
        /// <summary>Window start; default 24 hours ago.</summary>
        [Parameter(Position = 0)]
        public DateTime? Since { get; set; }

        /// <summary>Window end; default now.</summary>
        [Parameter]
        public DateTime? Until { get; set; }

        /// <summary>One row per agent, queue or status (None: one row).</summary>
        // A string, not the runtime's enum: parameter types must resolve before the runtime's assembly loads.
        [Parameter]
        [ValidateSet("None", "Agent", "Queue", "Status", IgnoreCase = true)]
        public string By { get; set; } = "None";

        /// <summary>Only this queue's executions.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(QueueCompleter))]
        public string? QueueId { get; set; }

        /// <summary>Only this agent's (or team's) executions.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AgentNameCompleter))]
        public string? Agent { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var now = DateTimeOffset.Now;
            var request = new StatsRequest
            {
                Since = Since.HasValue ? new DateTimeOffset(Since.Value) : now.AddHours(-24),
                Until = Until.HasValue ? new DateTimeOffset(Until.Value) : now,
                By = (StatsGrouping)Enum.Parse(typeof(StatsGrouping), By, ignoreCase: true),
                Queue = QueueId,
                Agent = Agent,
            };
            var progress = new ProgressRecord(1, "Get-KubiyaMetric", "Reading the window's executions");
            WriteProgress(progress);
            TryRun(() =>
            {
                var rows = Run((pump, ct) => Runtime.ExecutionStatsAsync(request, ct));
                foreach (var row in rows) WriteObject(row);
            }, QueueId ?? Agent);
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
    }
}
