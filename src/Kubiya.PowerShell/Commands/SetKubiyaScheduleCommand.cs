using System;
using System.Management.Automation;
using Kubiya.PowerShell.Completion;
using Kubiya.Core.Schedules;
using Kubiya.PowerShell.Internal;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Changes a schedule's timing, agent, prompt, queue, time zone, overlap policy or note.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "KubiyaSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(ScheduleInfo))]
    public sealed class SetKubiyaScheduleCommand : KubiyaCmdlet
    {
        /// <summary>Schedule name.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ScheduleNameCompleter))]
        public string Name { get; set; } = "";

        /// <summary>New cron expression.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Cron { get; set; }

        /// <summary>New interval.</summary>
        [Parameter]
        public TimeSpan? Interval { get; set; }

        /// <summary>New agent.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AgentNameCompleter))]
        public string? Agent { get; set; }

        /// <summary>New team.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TeamNameCompleter))]
        public string? Team { get; set; }

        /// <summary>New prompt.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Prompt { get; set; }

        /// <summary>New queue.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(QueueCompleter))]
        public string? Queue { get; set; }

        /// <summary>New time zone.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? TimeZone { get; set; }

        /// <summary>New overlap policy.</summary>
        [Parameter]
        [ValidateSet("Skip", "BufferOne", "BufferAll", "CancelOther", "TerminateOther", "AllowAll", IgnoreCase = true)]
        public string? Overlap { get; set; }

        /// <summary>New note.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Note { get; set; }

        /// <summary>Return the changed schedule.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (!ShouldProcess(Name, "Change schedule")) return;
            var changes = new ScheduleChanges
            {
                Cron = Cron, Interval = Interval, Agent = Agent, Team = Team, Prompt = Prompt, Queue = Queue,
                TimeZone = TimeZone, Overlap = OverlapParsing.ParseOrNull(Overlap), Note = Note,
            };
            TryRun(() =>
            {
                var info = Run(async (pump, ct) => await (await Runtime.SchedulesAsync(ct).ConfigureAwait(false)).UpdateAsync(Name, changes, ct).ConfigureAwait(false));
                // As New-KubiyaSchedule: a new agent or team nobody here knows is usually a typo.
                if (ScheduleAgentCheck.Warning(Runtime.Agents(CurrentDirectory), changes, info) is { } warning) WriteWarning(warning);
                if (PassThru) WriteObject(info);
            }, Name);
        }
    }
}
