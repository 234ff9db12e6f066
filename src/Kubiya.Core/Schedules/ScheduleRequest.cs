using System;

namespace Kubiya.Core.Schedules
{
    /// <summary>A schedule to create: when it fires and what it runs (an agent or team, by name, with a prompt on a queue).</summary>
    public sealed record ScheduleRequest
    {
        /// <summary>Schedule name (its Temporal schedule id).</summary>
        public string Name { get; init; } = "";
        /// <summary>Cron expression (5 fields, 6 with year, 7 with seconds and year, or @daily and friends); or set <see cref="Interval"/>.</summary>
        public string? Cron { get; init; }
        /// <summary>Fixed interval between runs; or set <see cref="Cron"/>.</summary>
        public TimeSpan? Interval { get; init; }
        /// <summary>Agent name, looked up each time the schedule fires.</summary>
        public string? Agent { get; init; }
        /// <summary>Team name, looked up each time the schedule fires.</summary>
        public string? Team { get; init; }
        /// <summary>The task text of every run.</summary>
        public string Prompt { get; init; } = "";
        /// <summary>Queue whose workers run it.</summary>
        public string Queue { get; init; } = "";
        /// <summary>IANA time zone the cron expression is read in (default UTC).</summary>
        public string? TimeZone { get; init; }
        /// <summary>What to do when a run is due while the previous one still runs.</summary>
        public string Overlap { get; init; } = ScheduleOverlap.Skip;
        /// <summary>Create it paused.</summary>
        public bool Paused { get; init; }
        /// <summary>A note kept with the schedule's state.</summary>
        public string? Note { get; init; }
        /// <summary>Environment name handed to the runs.</summary>
        public string? Environment { get; init; }
        /// <summary>Folder the runs work in (and whose .kubiya/agents the worker also searches).</summary>
        public string? WorkingDirectory { get; init; }
        /// <summary>Runbook approval steps are answered yes.</summary>
        public bool AutoApprove { get; init; }
    }

    /// <summary>Changes to an existing schedule; null leaves a field as it is.</summary>
    public sealed record ScheduleChanges
    {
        /// <summary>New cron expression (replaces an interval).</summary>
        public string? Cron { get; init; }
        /// <summary>New interval (replaces a cron expression).</summary>
        public TimeSpan? Interval { get; init; }
        /// <summary>New agent.</summary>
        public string? Agent { get; init; }
        /// <summary>New team.</summary>
        public string? Team { get; init; }
        /// <summary>New prompt.</summary>
        public string? Prompt { get; init; }
        /// <summary>New queue.</summary>
        public string? Queue { get; init; }
        /// <summary>New time zone.</summary>
        public string? TimeZone { get; init; }
        /// <summary>New overlap policy.</summary>
        public string? Overlap { get; init; }
        /// <summary>New note.</summary>
        public string? Note { get; init; }
    }
}
