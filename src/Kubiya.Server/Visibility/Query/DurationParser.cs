using System.Globalization;
using System.Text.RegularExpressions;

namespace Kubiya.Server.Visibility.Query;

/// <summary>Parses durations as Temporal queries write them: "1h30m", "90s", "1.5h", "250ms", or "hh:mm:ss".</summary>
public static partial class DurationParser
{
    [GeneratedRegex(@"^\s*((?<n>\d+(\.\d+)?)(?<u>ns|us|µs|ms|s|m|h|d))+\s*$")]
    private static partial Regex Units();

    [GeneratedRegex(@"(?<n>\d+(\.\d+)?)(?<u>ns|us|µs|ms|s|m|h|d)")]
    private static partial Regex Unit();

    public static bool TryParse(string s, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (Units().IsMatch(s))
        {
            double ms = 0;
            foreach (Match m in Unit().Matches(s))
            {
                var n = double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
                ms += m.Groups["u"].Value switch
                {
                    "ns" => n / 1_000_000,
                    "us" or "µs" => n / 1000,
                    "ms" => n,
                    "s" => n * 1000,
                    "m" => n * 60_000,
                    "h" => n * 3_600_000,
                    _ => n * 86_400_000,
                };
            }
            value = TimeSpan.FromMilliseconds(ms);
            return true;
        }
        return TimeSpan.TryParseExact(s.Trim(), new[] { @"hh\:mm\:ss", @"hh\:mm\:ss\.FFFFFFF", @"d\.hh\:mm\:ss" }, CultureInfo.InvariantCulture, out value);
    }
}
