using System;
using System.Collections.Generic;

namespace Kubiya.Core.Schedules
{
    /// <summary>A schedule as the module and CLI show it.</summary>
    public sealed class ScheduleInfo
    {
        /// <summary>Schedule name.</summary>
        public string Name { get; set; } = "";
        /// <summary>When it fires, as given ("0 2 * * *", "every 00:05:00").</summary>
        public string Spec { get; set; } = "";
        /// <summary>IANA time zone of the spec (empty: UTC).</summary>
        public string? TimeZone { get; set; }
        /// <summary>Agent it runs.</summary>
        public string? Agent { get; set; }
        /// <summary>Team it runs.</summary>
        public string? Team { get; set; }
        /// <summary>Prompt of every run.</summary>
        public string Prompt { get; set; } = "";
        /// <summary>Queue of the runs.</summary>
        public string? Queue { get; set; }
        /// <summary>Overlap policy: a name from <see cref="ScheduleOverlap"/>.</summary>
        public string Overlap { get; set; } = ScheduleOverlap.Skip;
        /// <summary>Paused schedules do not fire on their own.</summary>
        public bool Paused { get; set; }
        /// <summary>Note of the last pause, resume or change.</summary>
        public string? Note { get; set; }
        /// <summary>The next time it fires.</summary>
        public DateTimeOffset? NextRun { get; set; }
        /// <summary>The next few times it fires.</summary>
        public IReadOnlyList<DateTimeOffset> NextRuns { get; set; } = Array.Empty<DateTimeOffset>();
        /// <summary>When it last started an execution (the scheduled time).</summary>
        public DateTimeOffset? LastRun { get; set; }
        /// <summary>How the last started execution went: Running, Completed, Failed, Cancelled, Terminated, TimedOut.</summary>
        public string? LastResult { get; set; }
        /// <summary>Id of the last execution it started.</summary>
        public string? LastExecutionId { get; set; }
        /// <summary>Executions it started in all.</summary>
        public long Runs { get; set; }
        /// <summary>Executions it started that are still running.</summary>
        public IReadOnlyList<string> RunningExecutions { get; set; } = Array.Empty<string>();
        /// <summary>When the schedule was created.</summary>
        public DateTimeOffset? CreatedAt { get; set; }

        /// <inheritdoc />
        public override string ToString() => $"{Name} {Spec}";
    }
}
