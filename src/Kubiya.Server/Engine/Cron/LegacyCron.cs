using Cronos;
using Kubiya.Server.Engine.Schedules;

namespace Kubiya.Server.Engine.Cron;

/// <summary>
/// The cron schedule of StartWorkflowExecution (Temporal's "legacy" cron, robfig's standard
/// parser): an optional <c>CRON_TZ=zone</c> prefix, then five fields (minute hour day-of-month
/// month day-of-week), a predefined name (<c>@daily</c>, <c>@hourly</c>, ...), or
/// <c>@every 30s</c>. Field matching is Cronos's; as in robfig/Vixie cron, when both day of
/// month and day of week are restricted a day matching either fires (Cronos alone needs both).
/// </summary>
internal sealed class LegacyCron
{
    private readonly CronExpression? expression;
    private readonly CronExpression? weekdayExpression; // the "either day field" half, when both are restricted
    private readonly TimeSpan? every;
    private readonly TimeZoneInfo zone;

    private LegacyCron(CronExpression? expression, CronExpression? weekdayExpression, TimeSpan? every, TimeZoneInfo zone)
    {
        this.expression = expression;
        this.weekdayExpression = weekdayExpression;
        this.every = every;
        this.zone = zone;
    }

    /// <summary>Parses a cron schedule; the exception message says what is wrong in the user's terms.</summary>
    public static LegacyCron Parse(string text)
    {
        var c = text.Trim();
        var zone = TimeZoneInfo.Utc;
        if (c.StartsWith("CRON_TZ=", StringComparison.Ordinal) || c.StartsWith("TZ=", StringComparison.Ordinal))
        {
            var space = c.IndexOf(' ');
            if (space < 0) throw new SpecException("a time zone prefix needs a schedule after it");
            zone = CompiledSpec.LoadZone(c[(c.IndexOf('=') + 1)..space]);
            c = c[(space + 1)..].Trim();
        }
        if (c.StartsWith("@every", StringComparison.Ordinal))
        {
            var d = GoDuration.Parse(c["@every".Length..], "@every duration");
            if (d < TimeSpan.FromSeconds(1)) throw new SpecException("@every needs a duration of at least 1s");
            return new LegacyCron(null, null, d, zone);
        }
        if (c is "@every_second" or "@every_minute") throw new SpecException($"'{c}' is not a cron schedule Temporal accepts");
        if (c.IndexOfAny(new[] { 'L', 'W', '#', '?' }) >= 0 && !c.StartsWith('@'))
            throw new SpecException("the L, W, # and ? cron extensions are not part of Temporal's cron syntax");
        var fields = c.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (!c.StartsWith('@') && fields.Length != 5)
            throw new SpecException($"'{c}' has {fields.Length} fields; a cron schedule has 5 (minute hour day-of-month month day-of-week)");
        try
        {
            var main = CronExpression.Parse(c, CronFormat.Standard);
            CronExpression? weekday = null;
            if (fields.Length == 5 && !fields[2].StartsWith('*') && !fields[4].StartsWith('*'))
            {
                main = CronExpression.Parse($"{fields[0]} {fields[1]} {fields[2]} {fields[3]} *", CronFormat.Standard);
                weekday = CronExpression.Parse($"{fields[0]} {fields[1]} * {fields[3]} {fields[4]}", CronFormat.Standard);
            }
            return new LegacyCron(main, weekday, null, zone);
        }
        catch (CronFormatException ex)
        {
            throw new SpecException(ex.Message.TrimEnd('.'));
        }
    }

    /// <summary>The first fire time strictly after <paramref name="afterMs"/> (cadence anchored at <paramref name="anchorMs"/> for @every).</summary>
    public long? Next(long anchorMs, long afterMs)
    {
        if (every is { } d)
        {
            var step = (long)d.TotalMilliseconds;
            var anchor = anchorMs - anchorMs % 1000;
            if (anchor > afterMs) return anchor;
            return anchor + ((afterMs - anchor) / step + 1) * step;
        }
        var from = DateTime.SpecifyKind(DateTime.UnixEpoch.AddMilliseconds(afterMs), DateTimeKind.Utc);
        DateTime? next = expression!.GetNextOccurrence(from, zone);
        if (weekdayExpression?.GetNextOccurrence(from, zone) is { } other && (next == null || other < next)) next = other;
        return next == null ? null : (long)(next.Value - DateTime.UnixEpoch).TotalMilliseconds;
    }
}
