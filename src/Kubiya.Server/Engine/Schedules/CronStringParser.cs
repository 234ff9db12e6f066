using Temporalio.Api.Schedule.V1;

namespace Kubiya.Server.Engine.Schedules;

/// <summary>
/// Temporal's schedule cron strings: an optional <c>CRON_TZ=zone</c> (or <c>TZ=zone</c>) prefix,
/// then <c>@every 90s[/phase]</c>, a predefined name (<c>@daily</c>, <c>@hourly</c>, ...), or
/// 5 fields (minute hour day-of-month month day-of-week), 6 fields (the same plus year) or
/// 7 fields (second first, year last). Day of month and day of week must both match.
/// </summary>
internal static class CronStringParser
{
    /// <summary>The canonical pieces of one cron string.</summary>
    internal sealed record Parsed(StructuredCalendarSpec? Calendar, IntervalSpec? Interval, string TimeZone);

    public static Parsed Parse(string cron, string comment = "")
    {
        var c = (cron ?? "").Trim();
        var tz = "";
        if (c.StartsWith("TZ=", StringComparison.Ordinal) || c.StartsWith("CRON_TZ=", StringComparison.Ordinal))
        {
            var space = c.IndexOf(' ');
            if (space < 0) throw new SpecException($"'{cron}' has a time zone prefix but no schedule after it");
            tz = c[(c.IndexOf('=') + 1)..space];
            c = c[(space + 1)..].Trim();
        }
        if (c.StartsWith("@every", StringComparison.Ordinal)) return new Parsed(null, Every(c, cron ?? c), tz);
        c = c switch
        {
            "@yearly" or "@annually" => "0 0 1 1 *",
            "@monthly" => "0 0 1 * *",
            "@weekly" => "0 0 * * 0",
            "@daily" or "@midnight" => "0 0 * * *",
            "@hourly" => "0 * * * *",
            _ => c,
        };
        if (c.StartsWith('@')) throw new SpecException($"'{c}' is not a known predefined schedule (use @yearly, @monthly, @weekly, @daily or @hourly)");
        var f = c.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        string? second = null, year = null;
        string minute, hour, dom, month, dow;
        switch (f.Length)
        {
            case 5: (minute, hour, dom, month, dow) = (f[0], f[1], f[2], f[3], f[4]); break;
            case 6: (minute, hour, dom, month, dow, year) = (f[0], f[1], f[2], f[3], f[4], f[5]); break;
            case 7: (second, minute, hour, dom, month, dow, year) = (f[0], f[1], f[2], f[3], f[4], f[5], f[6]); break;
            default: throw new SpecException($"'{c}' has {f.Length} fields; a cron string has 5, 6 (with year) or 7 (with seconds and year)");
        }
        var cal = StructuredFrom(new CalendarSpec
        {
            Second = second ?? "", Minute = minute, Hour = hour, DayOfMonth = dom, Month = month, DayOfWeek = dow, Year = year ?? "",
            Comment = comment ?? "",
        });
        return new Parsed(cal, null, tz);
    }

    /// <summary>A CalendarSpec (text fields) in structured form.</summary>
    public static StructuredCalendarSpec StructuredFrom(CalendarSpec c)
    {
        var s = new StructuredCalendarSpec { Comment = c.Comment ?? "" };
        s.Second.AddRange(CalendarFieldParser.Parse(c.Second, CalendarFieldParser.Second));
        s.Minute.AddRange(CalendarFieldParser.Parse(c.Minute, CalendarFieldParser.Minute));
        s.Hour.AddRange(CalendarFieldParser.Parse(c.Hour, CalendarFieldParser.Hour));
        s.DayOfMonth.AddRange(CalendarFieldParser.Parse(c.DayOfMonth, CalendarFieldParser.DayOfMonth));
        s.Month.AddRange(CalendarFieldParser.Parse(c.Month, CalendarFieldParser.Month));
        // "*" in the year field means any year: kept as an empty list, which is what the SDKs send.
        if (!string.IsNullOrWhiteSpace(c.Year) && c.Year.Trim() != "*")
            s.Year.AddRange(CalendarFieldParser.Parse(c.Year, CalendarFieldParser.Year));
        s.DayOfWeek.AddRange(CalendarFieldParser.Parse(c.DayOfWeek, CalendarFieldParser.DayOfWeek));
        return s;
    }

    private static IntervalSpec Every(string c, string whole)
    {
        var space = c.IndexOf(' ');
        if (space < 0) throw new SpecException($"'{whole}': @every needs a duration, e.g. '@every 10m'");
        var text = c[(space + 1)..].Trim();
        var slash = text.IndexOf('/');
        var interval = GoDuration.Parse(slash < 0 ? text : text[..slash], "interval");
        var spec = new IntervalSpec { Interval = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(interval) };
        if (slash >= 0) spec.Phase = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(GoDuration.Parse(text[(slash + 1)..], "phase"));
        return spec;
    }
}

/// <summary>Durations as Go writes them ("90s", "1h30m", "250ms", "2d" is not one).</summary>
internal static class GoDuration
{
    public static TimeSpan Parse(string text, string what)
    {
        var s = text.Trim();
        var m = System.Text.RegularExpressions.Regex.Match(s, @"^(?:(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns))+$");
        if (!m.Success) throw new SpecException($"{what} '{text}' is not a duration like 90s, 10m or 1h30m");
        var total = 0.0;
        foreach (System.Text.RegularExpressions.Match part in System.Text.RegularExpressions.Regex.Matches(s, @"(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)"))
        {
            var v = double.Parse(part.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            total += part.Groups[2].Value switch
            {
                "h" => v * 3600_000, "m" => v * 60_000, "s" => v * 1000, "ms" => v, "us" or "µs" => v / 1000, _ => v / 1_000_000,
            };
        }
        return TimeSpan.FromMilliseconds(total);
    }
}
