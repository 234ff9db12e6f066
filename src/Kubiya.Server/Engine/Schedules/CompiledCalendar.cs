using Temporalio.Api.Schedule.V1;

namespace Kubiya.Server.Engine.Schedules;

/// <summary>
/// One structured calendar spec compiled into per-field bit sets. It answers two questions in
/// wall-clock terms (no time zone): does a wall time match, and which matching wall time comes
/// next. <see cref="CompiledSpec"/> maps wall times to instants in the schedule's zone.
/// </summary>
internal sealed class CompiledCalendar
{
    /// <summary>Temporal only recognises calendar years in this span.</summary>
    public const int MinYear = 2000, MaxYear = 2100;

    private readonly ulong seconds, minutes, hours, days, months, weekdays;
    private readonly bool[]? years; // null: any year

    public CompiledCalendar(StructuredCalendarSpec c)
    {
        // An empty field takes the CalendarSpec default: 0 for time fields, every value for date fields.
        seconds = Bits(c.Second, 0, 0);
        minutes = Bits(c.Minute, 0, 0);
        hours = Bits(c.Hour, 0, 0);
        days = Bits(c.DayOfMonth, 1, 31);
        months = Bits(c.Month, 1, 12);
        weekdays = Bits(c.DayOfWeek, 0, 6);
        weekdays |= (weekdays >> 7) & 1; // 7 also means Sunday
        if (c.Year.Count > 0)
        {
            years = new bool[MaxYear - MinYear + 1];
            foreach (var y in Values(c.Year))
                if (y >= MinYear && y <= MaxYear) years[y - MinYear] = true;
        }
    }

    private static ulong Bits(IEnumerable<Temporalio.Api.Schedule.V1.Range> ranges, int defaultStart, int defaultEnd)
    {
        var list = ranges.ToList();
        if (list.Count == 0) list.Add(new Temporalio.Api.Schedule.V1.Range { Start = defaultStart, End = defaultEnd });
        ulong bits = 0;
        foreach (var v in Values(list))
            if (v >= 0 && v < 64) bits |= 1UL << v;
        return bits;
    }

    private static IEnumerable<int> Values(IEnumerable<Temporalio.Api.Schedule.V1.Range> ranges)
    {
        foreach (var r in ranges)
        {
            var step = r.Step <= 0 ? 1 : r.Step;
            var end = r.End < r.Start ? r.Start : r.End;
            for (var v = r.Start; v <= end; v += step) yield return v;
        }
    }

    private static bool Has(ulong bits, int v) => (bits & (1UL << v)) != 0;

    private bool YearMatches(int y) => y >= MinYear && y <= MaxYear && (years == null || years[y - MinYear]);

    /// <summary>Whether the wall time (second resolution) matches every field.</summary>
    public bool Matches(DateTime wall) =>
        YearMatches(wall.Year) && Has(months, wall.Month) && Has(days, wall.Day) && Has(weekdays, (int)wall.DayOfWeek)
        && Has(hours, wall.Hour) && Has(minutes, wall.Minute) && Has(seconds, wall.Second);

    /// <summary>The first matching wall time strictly after <paramref name="after"/>, or null (none before <see cref="MaxYear"/> ends).</summary>
    public DateTime? NextWall(DateTime after)
    {
        var t = new DateTime(after.Ticks - after.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Unspecified).AddSeconds(1);
        if (t.Year < MinYear) t = new DateTime(MinYear, 1, 1);
        while (t.Year <= MaxYear)
        {
            if (!YearMatches(t.Year)) { t = new DateTime(t.Year + 1, 1, 1); continue; }
            if (!Has(months, t.Month)) { t = new DateTime(t.Year, t.Month, 1).AddMonths(1); continue; }
            if (!Has(days, t.Day) || !Has(weekdays, (int)t.DayOfWeek)) { t = t.Date.AddDays(1); continue; }
            if (!Has(hours, t.Hour)) { t = t.Date.AddHours(t.Hour + 1); continue; }
            if (!Has(minutes, t.Minute)) { t = t.Date.AddHours(t.Hour).AddMinutes(t.Minute + 1); continue; }
            if (!Has(seconds, t.Second)) { t = t.AddSeconds(1); continue; }
            return t;
        }
        return null;
    }
}
