namespace Kubiya.Server.Engine;

public sealed partial class WorkflowEngine
{
    /// <summary>The schedule service, when attached (the schedule RPCs answer Unimplemented without it).</summary>
    public Schedules.ScheduleService? Schedules { get; internal set; }
}
