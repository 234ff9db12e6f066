using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Schedules;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Resumes paused schedules from their next fire time on.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Resume, "KubiyaSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(ScheduleInfo))]
    public sealed class ResumeKubiyaScheduleCommand : ScheduleStateCommand
    {
        /// <inheritdoc />
        protected override string Action => "Resume schedule";

        /// <inheritdoc />
        protected override Task<ScheduleInfo> ChangeAsync(ScheduleService schedules, string name, string? note, CancellationToken ct) =>
            schedules.ResumeAsync(name, note, ct);
    }
}
