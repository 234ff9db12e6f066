using Kubiya.Core.Schedules;

namespace Kubiya.PowerShell.Internal
{
    /// <summary>-Overlap is a validated string (see the cmdlets); this gives its canonical Core name.</summary>
    internal static class OverlapParsing
    {
        public static string Parse(string text) => ScheduleOverlap.Parse(text) ?? ScheduleOverlap.Skip;

        public static string? ParseOrNull(string? text) => string.IsNullOrEmpty(text) ? null : Parse(text!);
    }
}
