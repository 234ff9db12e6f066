using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Temporalio.Api.Schedule.V1;

namespace Kubiya.Core.Schedules
{
    /// <summary>
    /// Reads a schedule's spec back as text: structured calendars as cron ("30 2 * * 1-5", seven
    /// fields when seconds or years are restricted), intervals as "every 5m". Temporal keeps
    /// specs in structured form, so this works for schedules made by any client.
    /// </summary>
    public static class ScheduleSpecText
    {
        /// <summary>The spec as one line.</summary>
        public static string Format(ScheduleSpec? spec)
        {
            if (spec == null) return "";
            var parts = new List<string>();
            parts.AddRange(spec.CronString);
            parts.AddRange(spec.StructuredCalendar.Select(Cron));
            parts.AddRange(spec.Interval.Select(i => Every(i.Interval?.ToTimeSpan() ?? TimeSpan.Zero, i.Phase?.ToTimeSpan())));
            return string.Join("; ", parts);
        }

        /// <summary>"every 5m", "every 1h30m", "every 2s/10s" (with a phase).</summary>
        public static string Every(TimeSpan every, TimeSpan? phase = null) =>
            "every " + Duration(every) + (phase is { } p && p > TimeSpan.Zero ? "/" + Duration(p) : "");

        /// <summary>A duration as Go writes it: 1h30m, 90s, 250ms.</summary>
        public static string Duration(TimeSpan d)
        {
            if (d < TimeSpan.FromSeconds(1)) return ((long)d.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
            var text = "";
            if (d.TotalHours >= 1) text += ((long)d.TotalHours).ToString(CultureInfo.InvariantCulture) + "h";
            if (d.Minutes > 0) text += d.Minutes.ToString(CultureInfo.InvariantCulture) + "m";
            if (d.Seconds > 0) text += d.Seconds.ToString(CultureInfo.InvariantCulture) + "s";
            return text;
        }

        private static string Cron(StructuredCalendarSpec c)
        {
            var second = Field(c.Second, 0, 59, "0");
            var year = c.Year.Count == 0 ? "*" : Field(c.Year, 2000, 2100, "*");
            var five = string.Join(" ", Field(c.Minute, 0, 59, "0"), Field(c.Hour, 0, 23, "0"), Field(c.DayOfMonth, 1, 31, "*"),
                Field(c.Month, 1, 12, "*"), Field(c.DayOfWeek, 0, 6, "*"));
            return second == "0" && year == "*" ? five : $"{second} {five} {year}";
        }

        private static string Field(IEnumerable<Temporalio.Api.Schedule.V1.Range> ranges, int min, int max, string empty)
        {
            var list = ranges.Select(r => (Start: r.Start, End: Math.Max(r.Start, r.End), Step: Math.Max(1, r.Step))).ToList();
            if (list.Count == 0) return empty;
            if (list.Count == 1 && list[0].Start == min && list[0].End >= max && list[0].Step == 1) return "*";
            return string.Join(",", list.Select(r =>
            {
                if (r.Start == r.End) return Num(r.Start);
                if (r.Step == 1) return $"{Num(r.Start)}-{Num(r.End)}";
                if (r.Start == min && r.End >= max) return $"*/{Num(r.Step)}";
                return $"{Num(r.Start)}-{Num(r.End)}/{Num(r.Step)}";
            }));
        }

        private static string Num(int v) => v.ToString(CultureInfo.InvariantCulture);
    }
}
