using System;
using System.Globalization;
using System.Text.RegularExpressions;
using Kubiya.Core.Errors;

namespace Kubiya.Core.Analytics
{
    /// <summary>Reads a window start as users type it: an age (<c>90m</c>, <c>24h</c>, <c>7d</c>, <c>2w</c>) or a date.</summary>
    public static class SinceText
    {
        private static readonly Regex Age = new Regex(@"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        /// <summary>The start <paramref name="text"/> names, counted back from <paramref name="now"/>.</summary>
        public static DateTimeOffset Parse(string text, DateTimeOffset now)
        {
            var m = Age.Match(text ?? "");
            if (m.Success)
            {
                var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                var unit = m.Groups[2].Value.ToLowerInvariant();
                var span = unit == "s" ? TimeSpan.FromSeconds(n) : unit == "m" ? TimeSpan.FromMinutes(n) : unit == "h" ? TimeSpan.FromHours(n)
                    : unit == "d" ? TimeSpan.FromDays(n) : TimeSpan.FromDays(7 * n);
                if (span > TimeSpan.Zero && span < TimeSpan.FromDays(3650)) return now - span;
            }
            else if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var at) && at < now)
            {
                return at;
            }
            throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "InvalidSince",
                $"'{text}' is not a window start: give an age such as 90m, 24h, 7d or 2w, or a past date such as 2026-01-31T08:00.", text);
        }
    }
}
