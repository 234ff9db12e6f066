using System;
using System.Globalization;

namespace Kubiya.Core.Values
{
    /// <summary>How the pipeline objects spell a run time.</summary>
    public static class DurationFormat
    {
        /// <summary>Seconds, rounded to milliseconds (the precision of Temporal's timestamps).</summary>
        public static double Seconds(TimeSpan duration) => Math.Round(Math.Max(0, duration.TotalSeconds), 3);

        /// <summary><c>[d.]hh:mm:ss.f</c>: fixed fields that read at a glance and parse back with <c>TimeSpan.Parse</c>.</summary>
        public static string Text(double seconds)
        {
            // Truncate to tenths (never round 59.96 s up into the next minute's text).
            var t = TimeSpan.FromTicks((long)Math.Floor(Math.Max(0, seconds) * 10) * (TimeSpan.TicksPerSecond / 10));
            var clock = string.Format(CultureInfo.InvariantCulture, "{0:00}:{1:00}:{2:00}.{3}", t.Hours, t.Minutes, t.Seconds, t.Milliseconds / 100);
            return t.Days > 0 ? t.Days.ToString(CultureInfo.InvariantCulture) + "." + clock : clock;
        }
    }
}
