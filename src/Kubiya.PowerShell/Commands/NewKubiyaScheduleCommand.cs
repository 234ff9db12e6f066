using System;
using System.Management.Automation;
using Kubiya.PowerShell.Completion;
using Kubiya.Core.Schedules;
using Kubiya.PowerShell.Internal;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Creates a schedule that runs an agent or team with a prompt on a queue, by cron expression or interval.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "KubiyaSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = CronSet)]
    [OutputType(typeof(ScheduleInfo))]
    public sealed class NewKubiyaScheduleCommand : KubiyaCmdlet
    {
        private const string CronSet = "Cron";
        private const string IntervalSet = "Interval";

        /// <summary>Schedule name.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = "";

        /// <summary>Cron expression.</summary>
        [Parameter(Mandatory = true, ParameterSetName = CronSet)]
        [ValidateNotNullOrEmpty]
        public string Cron { get; set; } = "";

        /// <summary>Interval between runs.</summary>
        [Parameter(Mandatory = true, ParameterSetName = IntervalSet)]
        public TimeSpan Interval { get; set; }

        /// <summary>Agent to run.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AgentNameCompleter))]
        public string? Agent { get; set; }

        /// <summary>Team to run.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TeamNameCompleter))]
        public string? Team { get; set; }

        /// <summary>The task text of every run.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Prompt { get; set; } = "";

        /// <summary>Queue whose workers run it.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(QueueCompleter))]
        public string Queue { get; set; } = "";

        /// <summary>IANA time zone of the cron expression.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? TimeZone { get; set; }

        /// <summary>What to do when a run is due while the previous one still runs.</summary>
        // A string, not the Core enum: a value-type field of a Core type would load Kubiya.Core before the module's resolver runs.
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateSet("Skip", "BufferOne", "BufferAll", "CancelOther", "TerminateOther", "AllowAll", IgnoreCase = true)]
        public string Overlap { get; set; } = "Skip";

        /// <summary>Create it paused.</summary>
        [Parameter]
        public SwitchParameter Paused { get; set; }

        /// <summary>A note kept with the schedule.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Note { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (!ShouldProcess(Name, "Create schedule")) return;
            var request = new ScheduleRequest
            {
                Name = Name,
                Cron = ParameterSetName == CronSet ? Cron : null,
                Interval = ParameterSetName == IntervalSet ? Interval : (TimeSpan?)null,
                Agent = Agent,
                Team = Team,
                Prompt = Prompt,
                Queue = Queue,
                TimeZone = TimeZone,
                Overlap = OverlapParsing.Parse(Overlap),
                Paused = Paused,
                Note = Note,
            };
            TryRun(() =>
            {
                if (ScheduleAgentCheck.Warning(Runtime.Agents(CurrentDirectory), request) is { } warning) WriteWarning(warning);
                WriteObject(Run(async (pump, ct) =>
                    await (await Runtime.SchedulesAsync(ct).ConfigureAwait(false)).CreateAsync(request, ct).ConfigureAwait(false)));
            }, Name);
        }
    }
}
