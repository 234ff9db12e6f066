using System;
using Kubiya.Core.Schedules;

namespace Kubiya.PowerShell.Internal
{
    /// <summary>-Overlap is a validated string (see the cmdlets); this reads it as the Core enum.</summary>
    internal static class OverlapParsing
    {
        public static ScheduleOverlap Parse(string text) => (ScheduleOverlap)Enum.Parse(typeof(ScheduleOverlap), text, true);

        public static ScheduleOverlap? ParseOrNull(string? text) => string.IsNullOrEmpty(text) ? (ScheduleOverlap?)null : Parse(text!);
    }
}
