using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Schedules;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Pauses schedules: they start nothing until resumed.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Suspend, "KubiyaSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(ScheduleInfo))]
    public sealed class SuspendKubiyaScheduleCommand : ScheduleStateCommand
    {
        /// <inheritdoc />
        protected override string Action => "Pause schedule";

        /// <inheritdoc />
        protected override Task<ScheduleInfo> ChangeAsync(ScheduleService schedules, string name, string? note, CancellationToken ct) =>
            schedules.PauseAsync(name, note, ct);
    }
}
