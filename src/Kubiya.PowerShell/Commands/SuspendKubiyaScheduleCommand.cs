using System.Management.Automation;
using Kubiya.Core.Schedules;
using Kubiya.PowerShell.Internal;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Pauses schedules: they start nothing until resumed.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Suspend, "KubiyaSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(ScheduleInfo))]
    public sealed class SuspendKubiyaScheduleCommand : KubiyaCmdlet
    {
        /// <summary>Schedule names.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; } = new string[0];

        /// <summary>A note kept with the schedule's state.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Note { get; set; }

        /// <summary>Return the schedule.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            foreach (var name in Name)
            {
                if (!ShouldProcess(name, "Pause schedule")) continue;
                TryRun(() =>
                {
                    var info = Run(async (pump, ct) => await (await Runtime.SchedulesAsync(ct).ConfigureAwait(false)).PauseAsync(name, Note, ct).ConfigureAwait(false));
                    if (PassThru) WriteObject(info);
                }, name);
            }
        }
    }
}
