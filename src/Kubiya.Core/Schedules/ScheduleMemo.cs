namespace Kubiya.Core.Schedules
{
    /// <summary>Memo field of executions a schedule starts.</summary>
    public static class ScheduleMemo
    {
        /// <summary>The name of the schedule that started the execution.</summary>
        public const string ExecutionSchedule = "schedule";
    }
}
