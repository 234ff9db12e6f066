using System.Management.Automation;
using Kubiya.PowerShell.Completion;
using Kubiya.Core.Schedules;
using Kubiya.PowerShell.Internal;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Removes schedules; executions they started are not touched.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "KubiyaSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    public sealed class RemoveKubiyaScheduleCommand : KubiyaCmdlet
    {
        /// <summary>Schedule names.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ScheduleNameCompleter))]
        public string[] Name { get; set; } = new string[0];

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            foreach (var name in Name)
            {
                if (!ShouldProcess(name, "Remove schedule")) continue;
                TryRun(() => Run(async (pump, ct) =>
                {
                    await (await Runtime.SchedulesAsync(ct).ConfigureAwait(false)).DeleteAsync(name, ct).ConfigureAwait(false);
                    return true;
                }), name);
            }
        }
    }
}
