using Temporalio.Api.Schedule.V1;

namespace Kubiya.Server.Engine.Schedules;

/// <summary>
/// Parses one field of a cron string or CalendarSpec ("*", "5", "1-5", "*/15", "3/5",
/// "mon-fri", "jan,jul") into Temporal's Range list. Errors name the field and the value,
/// so a user sees "minute value 61 is out of range 0-59", not "malformed".
/// </summary>
internal static class CalendarFieldParser
{
    private static readonly string[] Months =
        { "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december" };
    private static readonly string[] Days = { "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday" };

    /// <summary>What a field accepts besides numbers.</summary>
    internal enum Names { None, Month, DayOfWeek }

    /// <summary>A calendar field: its user-facing name, default text and value range.</summary>
    internal sealed record Field(string Name, string Default, int Min, int Max, Names Names = Names.None);

    internal static readonly Field Second = new("second", "0", 0, 59);
    internal static readonly Field Minute = new("minute", "0", 0, 59);
    internal static readonly Field Hour = new("hour", "0", 0, 23);
    internal static readonly Field DayOfMonth = new("day_of_month", "*", 1, 31);
    internal static readonly Field Month = new("month", "*", 1, 12, Names.Month);
    internal static readonly Field Year = new("year", "*", CompiledCalendar.MinYear, CompiledCalendar.MaxYear);
    // 7 is accepted for Sunday, as in cron; it is folded to 0 in the canonical form.
    internal static readonly Field DayOfWeek = new("day_of_week", "*", 0, 7, Names.DayOfWeek);

    /// <summary>Parses <paramref name="text"/> (empty means the field's default).</summary>
    /// <exception cref="SpecException">the text is not a valid value list for the field.</exception>
    public static List<Temporalio.Api.Schedule.V1.Range> Parse(string? text, Field field)
    {
        var s = string.IsNullOrWhiteSpace(text) ? field.Default : text.Trim();
        var ranges = new List<Temporalio.Api.Schedule.V1.Range>();
        foreach (var rawPart in s.Split(','))
        {
            var part = rawPart;
            var step = 1;
            var hasStep = false;
            var slash = part.IndexOf('/');
            if (slash >= 0)
            {
                var stepText = part[(slash + 1)..];
                if (!int.TryParse(stepText, out step) || step < 1)
                    throw new SpecException($"{field.Name} step '{stepText}' in '{s}' must be a whole number of at least 1");
                part = part[..slash];
                hasStep = true;
            }
            int start = field.Min, end = field.Max;
            if (part != "*")
            {
                var dash = part.IndexOf('-', 1 < part.Length ? 1 : 0);
                if (dash > 0)
                {
                    start = Value(part[..dash], field, s);
                    end = Value(part[(dash + 1)..], field, s);
                    if (end < start) throw new SpecException($"{field.Name} range '{part}' ends before it starts");
                }
                else
                {
                    start = Value(part, field, s);
                    // "3/5" means from 3 to the maximum in steps of 5; a lone "3" is just 3.
                    end = hasStep ? field.Max : start;
                }
            }
            ranges.Add(Canonical(start, end, step, field));
        }
        return ranges;
    }

    private static Temporalio.Api.Schedule.V1.Range Canonical(int start, int end, int step, Field field)
    {
        if (field.Names == Names.DayOfWeek && start == 7 && end == 7) start = end = 0;
        return new Temporalio.Api.Schedule.V1.Range { Start = start, End = end == start ? 0 : end, Step = step == 1 ? 0 : step };
    }

    private static int Value(string text, Field field, string whole)
    {
        var t = text.Trim();
        if (field.Names != Names.None && t.Length > 0 && !char.IsDigit(t[0]))
        {
            var names = field.Names == Names.Month ? Months : Days;
            var minLength = field.Names == Names.Month ? 3 : 2;
            if (t.Length >= minLength)
                for (var i = 0; i < names.Length; i++)
                    if (names[i].StartsWith(t, StringComparison.OrdinalIgnoreCase))
                        return field.Names == Names.Month ? i + 1 : i;
            throw new SpecException($"{field.Name} value '{t}' in '{whole}' is not a {(field.Names == Names.Month ? "month" : "day")} name or number");
        }
        if (!int.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v))
            throw new SpecException($"{field.Name} value '{t}' in '{whole}' is not a number");
        if (v < field.Min || v > field.Max)
            throw new SpecException($"{field.Name} value {v} is out of range {field.Min}-{field.Max}");
        return v;
    }
}

/// <summary>A schedule spec that cannot be used; the message names the field at fault.</summary>
public sealed class SpecException(string message) : Exception(message);
