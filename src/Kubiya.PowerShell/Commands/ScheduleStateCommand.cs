using System.Management.Automation;
using Kubiya.PowerShell.Completion;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Schedules;
using Kubiya.PowerShell.Internal;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>What Suspend- and Resume-KubiyaSchedule share: names from the pipeline, a note, -PassThru.</summary>
    public abstract class ScheduleStateCommand : KubiyaCmdlet
    {
        /// <summary>Schedule names.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ScheduleNameCompleter))]
        public string[] Name { get; set; } = new string[0];

        /// <summary>A note kept with the schedule's state.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Note { get; set; }

        /// <summary>Return the schedule.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>The ShouldProcess action text.</summary>
        protected abstract string Action { get; }

        /// <summary>Changes one schedule's state.</summary>
        protected abstract Task<ScheduleInfo> ChangeAsync(ScheduleService schedules, string name, string? note, CancellationToken ct);

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            foreach (var name in Name)
            {
                if (!ShouldProcess(name, Action)) continue;
                TryRun(() =>
                {
                    var info = Run(async (pump, ct) => await ChangeAsync(await Runtime.SchedulesAsync(ct).ConfigureAwait(false), name, Note, ct).ConfigureAwait(false));
                    if (PassThru) WriteObject(info);
                }, name);
            }
        }
    }
}
