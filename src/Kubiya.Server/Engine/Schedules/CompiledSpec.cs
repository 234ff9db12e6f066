using Google.Protobuf.WellKnownTypes;
using Temporalio.Api.Schedule.V1;

namespace Kubiya.Server.Engine.Schedules;

/// <summary>A matching time: the nominal time from the spec, and the actual time after jitter.</summary>
internal readonly record struct SpecTime(long NominalMs, long ActualMs);

/// <summary>
/// A ScheduleSpec in Temporal's canonical form (cron strings and text calendars turned into
/// structured calendars, the CRON_TZ zone moved to timezone_name), validated, with its zone
/// loaded. <see cref="Next"/> follows Temporal's rules: wall-clock matching in the zone, a
/// local time skipped by a DST jump does not fire, a repeated local time fires in both copies,
/// exclusions, start/end bounds, and deterministic jitter that never passes the next time.
/// </summary>
internal sealed class CompiledSpec
{
    private readonly List<CompiledCalendar> calendars;
    private readonly List<CompiledCalendar> excludes;
    private readonly List<(long IntervalS, long PhaseS)> intervals;
    private readonly long? startS, endS;
    private readonly long jitterMs;

    private CompiledSpec(ScheduleSpec canonical, TimeZoneInfo zone)
    {
        Canonical = canonical;
        Zone = zone;
        calendars = canonical.StructuredCalendar.Select(c => new CompiledCalendar(c)).ToList();
        excludes = canonical.ExcludeStructuredCalendar.Select(c => new CompiledCalendar(c)).ToList();
        intervals = canonical.Interval.Select(i => ((long)i.Interval.ToTimeSpan().TotalSeconds, (long)(i.Phase?.ToTimeSpan().TotalSeconds ?? 0))).ToList();
        startS = canonical.StartTime?.Seconds;
        endS = canonical.EndTime?.Seconds;
        jitterMs = (long)(canonical.Jitter?.ToTimeSpan().TotalMilliseconds ?? 0);
    }

    public ScheduleSpec Canonical { get; }
    public TimeZoneInfo Zone { get; }
    public bool IsEmpty => calendars.Count == 0 && intervals.Count == 0;

    /// <summary>Canonicalizes and validates; <see cref="SpecException"/> names the field at fault.</summary>
    public static CompiledSpec Compile(ScheduleSpec? spec)
    {
        var s = spec?.Clone() ?? new ScheduleSpec();
        foreach (var cal in s.Calendar) s.StructuredCalendar.Add(Wrap("calendar", () => CronStringParser.StructuredFrom(cal)));
        s.Calendar.Clear();
        foreach (var cal in s.ExcludeCalendar) s.ExcludeStructuredCalendar.Add(Wrap("exclude_calendar", () => CronStringParser.StructuredFrom(cal)));
        s.ExcludeCalendar.Clear();
        string? cronZone = null;
        foreach (var cron in s.CronString)
        {
            var parsed = Wrap($"cron_string '{cron}'", () => CronStringParser.Parse(cron));
            if (cronZone != null && parsed.TimeZone != cronZone)
                throw new SpecException("cron_string: every cron string must name the same CRON_TZ time zone (or none)");
            cronZone = parsed.TimeZone;
            if (parsed.Calendar != null) s.StructuredCalendar.Add(parsed.Calendar);
            if (parsed.Interval != null) s.Interval.Add(parsed.Interval);
        }
        s.CronString.Clear();
        if (!string.IsNullOrEmpty(cronZone))
        {
            if (!string.IsNullOrEmpty(s.TimezoneName) && s.TimezoneName != cronZone)
                throw new SpecException($"cron_string: CRON_TZ={cronZone} conflicts with timezone_name '{s.TimezoneName}'");
            s.TimezoneName = cronZone;
        }
        for (var i = 0; i < s.StructuredCalendar.Count; i++) CheckCalendar(s.StructuredCalendar[i], $"structured_calendar[{i}]");
        for (var i = 0; i < s.ExcludeStructuredCalendar.Count; i++) CheckCalendar(s.ExcludeStructuredCalendar[i], $"exclude_structured_calendar[{i}]");
        for (var i = 0; i < s.Interval.Count; i++)
        {
            var iv = s.Interval[i];
            var every = iv.Interval?.ToTimeSpan() ?? TimeSpan.Zero;
            var phase = iv.Phase?.ToTimeSpan() ?? TimeSpan.Zero;
            if (every < TimeSpan.FromSeconds(1)) throw new SpecException($"interval[{i}]: interval must be at least 1 second");
            if (phase < TimeSpan.Zero) throw new SpecException($"interval[{i}]: phase cannot be negative");
            if (phase >= every) throw new SpecException($"interval[{i}]: phase must be less than the interval");
        }
        if (s.Jitter != null && s.Jitter.ToTimeSpan() < TimeSpan.Zero) throw new SpecException("jitter cannot be negative");
        if (s.StartTime != null && s.EndTime != null && s.EndTime.ToDateTimeOffset() < s.StartTime.ToDateTimeOffset())
            throw new SpecException("end_time is before start_time");
        if (s.TimezoneData is { Length: > 0 }) throw new SpecException("timezone_data is not supported; name the zone in timezone_name (IANA, e.g. Europe/Berlin)");
        var zone = LoadZone(s.TimezoneName);
        return new CompiledSpec(s, zone);
    }

    private static T Wrap<T>(string where, Func<T> f)
    {
        try { return f(); }
        catch (SpecException ex) { throw new SpecException($"{where}: {ex.Message}"); }
    }

    private static void CheckCalendar(StructuredCalendarSpec c, string where)
    {
        void Check(IEnumerable<Temporalio.Api.Schedule.V1.Range> ranges, string field, int min, int max)
        {
            foreach (var r in ranges)
            {
                if (r.Start < min || r.Start > max) throw new SpecException($"{where}: {field} value {r.Start} is out of range {min}-{max}");
                if (r.End != 0 && (r.End < r.Start || r.End > max)) throw new SpecException($"{where}: {field} range end {r.End} is before its start or out of range {min}-{max}");
                if (r.Step < 0) throw new SpecException($"{where}: {field} step cannot be negative");
            }
        }
        Check(c.Second, "second", 0, 59);
        Check(c.Minute, "minute", 0, 59);
        Check(c.Hour, "hour", 0, 23);
        Check(c.DayOfMonth, "day_of_month", 1, 31);
        Check(c.Month, "month", 1, 12);
        Check(c.Year, "year", CompiledCalendar.MinYear, CompiledCalendar.MaxYear);
        Check(c.DayOfWeek, "day_of_week", 0, 7);
        if (c.Comment.Length > 1000) throw new SpecException($"{where}: comment is longer than 1000 characters");
    }

    /// <summary>Loads an IANA zone ("" or "UTC" is UTC); unknown names are an error naming timezone_name.</summary>
    public static TimeZoneInfo LoadZone(string? name)
    {
        if (string.IsNullOrEmpty(name) || name == "UTC") return TimeZoneInfo.Utc;
        try { return TimeZoneInfo.FindSystemTimeZoneById(name); }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new SpecException($"timezone_name '{name}' is not a known IANA time zone (e.g. America/New_York, Europe/Berlin)");
        }
    }

    /// <summary>The first matching time strictly after <paramref name="afterMs"/>, or null when none remains.</summary>
    public SpecTime? Next(long afterMs, string jitterSeed)
    {
        var after = FloorS(afterMs);
        if (startS is { } st && after < st) after = st - 1;
        long nominal;
        // A spec whose every time is excluded must not spin forever: give up after many tries.
        for (var tries = 0; ; tries++)
        {
            if (tries > 100_000) return null;
            var raw = RawNext(after);
            if (raw == null || (endS is { } end && raw > end)) return null;
            nominal = raw.Value;
            after = nominal;
            if (!Excluded(nominal)) break;
        }
        var maxJitter = jitterMs;
        if (maxJitter > 0 && RawNext(nominal) is { } following) maxJitter = Math.Min(maxJitter, (following - nominal) * 1000);
        return new SpecTime(nominal * 1000, nominal * 1000 + Jitter(jitterSeed, nominal, maxJitter));
    }

    private static long FloorS(long ms) => ms >= 0 ? ms / 1000 : (ms - 999) / 1000;

    private long? RawNext(long afterS)
    {
        long? best = null;
        foreach (var cal in calendars)
            if (CalendarNext(cal, afterS) is { } t && (best == null || t < best)) best = t;
        foreach (var (every, phase) in intervals)
        {
            // Intervals count from the Unix epoch, shifted by the phase.
            var q = afterS - phase;
            var n = (q >= 0 ? q / every : -((-q + every - 1) / every)) + 1;
            var t = n * every + phase;
            if (best == null || t < best) best = t;
        }
        return best;
    }

    private bool Excluded(long s)
    {
        if (excludes.Count == 0) return false;
        var wall = Wall(s);
        return excludes.Any(x => x.Matches(wall));
    }

    private DateTime Wall(long s) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.UnixEpoch.AddSeconds(s), Zone);

    /// <summary>
    /// Next instant whose wall time matches. Wall times are walked in order; each maps to no
    /// instant (skipped by a DST jump), one, or two (a repeated hour). Only near a backward
    /// transition can an earlier wall time give a later instant, so only there we look back.
    /// </summary>
    private long? CalendarNext(CompiledCalendar cal, long afterS)
    {
        if (Zone == TimeZoneInfo.Utc)
            return cal.NextWall(DateTime.UnixEpoch.AddSeconds(afterS)) is { } w ? ToUnix(w, TimeSpan.Zero) : null;
        const long window = 3 * 3600;
        var backward = Zone.GetUtcOffset(DateTime.UnixEpoch.AddSeconds(afterS + window)) < Zone.GetUtcOffset(DateTime.UnixEpoch.AddSeconds(afterS - window));
        var wall = Wall(afterS);
        var cursor = backward ? wall.AddSeconds(-window) : wall;
        var limit = wall.AddSeconds(2 * window);
        long? best = null;
        while (cal.NextWall(cursor) is { } next)
        {
            cursor = next;
            foreach (var instant in Resolve(next))
                if (instant > afterS && (best == null || instant < best)) best = instant;
            if (best != null && (!backward || next > limit)) break;
        }
        return best;
    }

    private IEnumerable<long> Resolve(DateTime wall)
    {
        if (Zone.IsInvalidTime(wall)) yield break; // skipped by a jump forward: Temporal does not fire
        if (Zone.IsAmbiguousTime(wall))
        {
            foreach (var offset in Zone.GetAmbiguousTimeOffsets(wall).OrderByDescending(o => o)) yield return ToUnix(wall, offset);
            yield break;
        }
        yield return ToUnix(wall, Zone.GetUtcOffset(wall));
    }

    private static long ToUnix(DateTime wall, TimeSpan offset) => (long)(wall - DateTime.UnixEpoch - offset).TotalSeconds;

    /// <summary>Deterministic jitter in [0, max): the same schedule and nominal time always get the same delay.</summary>
    private static long Jitter(string seed, long nominalS, long maxMs)
    {
        if (maxMs <= 0) return 0;
        ulong h = 14695981039346656037UL;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(seed + "\n" + nominalS))
        {
            h ^= b;
            h *= 1099511628211UL;
        }
        return (long)((h >> 32) * (ulong)Math.Min(maxMs, uint.MaxValue) >> 32);
    }

    /// <summary>Up to <paramref name="max"/> actual times in (fromMs, toMs].</summary>
    public List<long> Times(long fromMs, long toMs, string seed, int max)
    {
        var list = new List<long>();
        var t = fromMs;
        while (list.Count < max && Next(t, seed) is { } n && n.ActualMs <= toMs)
        {
            list.Add(n.ActualMs);
            t = n.NominalMs;
        }
        return list;
    }
}
