using System.Management.Automation;
using Kubiya.PowerShell.Completion;
using Kubiya.Core.Schedules;
using Kubiya.PowerShell.Internal;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Runs schedules now, once, even when paused.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "KubiyaSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(ScheduleInfo))]
    public sealed class StartKubiyaScheduleCommand : KubiyaCmdlet
    {
        /// <summary>Schedule names.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ScheduleNameCompleter))]
        public string[] Name { get; set; } = new string[0];

        /// <summary>Overlap policy for this run instead of the schedule's.</summary>
        [Parameter]
        [ValidateSet("Skip", "BufferOne", "BufferAll", "CancelOther", "TerminateOther", "AllowAll", IgnoreCase = true)]
        public string? Overlap { get; set; }

        /// <summary>Return the schedule.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            foreach (var name in Name)
            {
                if (!ShouldProcess(name, "Run schedule now")) continue;
                TryRun(() =>
                {
                    var info = Run(async (pump, ct) => await (await Runtime.SchedulesAsync(ct).ConfigureAwait(false)).TriggerAsync(name, OverlapParsing.ParseOrNull(Overlap), ct).ConfigureAwait(false));
                    if (PassThru) WriteObject(info);
                }, name);
            }
        }
    }
}
