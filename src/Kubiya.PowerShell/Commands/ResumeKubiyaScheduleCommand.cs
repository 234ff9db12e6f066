using System.Management.Automation;
using Kubiya.Core.Schedules;
using Kubiya.PowerShell.Internal;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Resumes paused schedules from their next fire time on.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Resume, "KubiyaSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(ScheduleInfo))]
    public sealed class ResumeKubiyaScheduleCommand : KubiyaCmdlet
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
                if (!ShouldProcess(name, "Resume schedule")) continue;
                TryRun(() =>
                {
                    var info = Run(async (pump, ct) => await (await Runtime.SchedulesAsync(ct).ConfigureAwait(false)).ResumeAsync(name, Note, ct).ConfigureAwait(false));
                    if (PassThru) WriteObject(info);
                }, name);
            }
        }
    }
}
