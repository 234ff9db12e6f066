using System;
using System.Collections.Generic;
using System.Linq;
using Kubiya.Core.Executions;

namespace Kubiya.Core.Analytics
{
    /// <summary>The arithmetic of <see cref="ExecutionMetric"/>: pure, over samples already read.</summary>
    public static class StatsCalculator
    {
        /// <summary>Rows for <paramref name="samples"/> in [<paramref name="since"/>, <paramref name="until"/>), split by <paramref name="by"/>.</summary>
        public static IReadOnlyList<ExecutionMetric> Compute(IReadOnlyCollection<ExecutionSample> samples, DateTimeOffset since, DateTimeOffset until, StatsGrouping by, int? slots)
        {
            if (by == StatsGrouping.None) return new[] { Row("All", "*", samples, since, until, slots) };
            Func<ExecutionSample, string> key = by switch
            {
                StatsGrouping.Agent => s => s.Agent.Length == 0 ? "(none)" : s.Agent,
                StatsGrouping.Queue => s => s.Queue,
                _ => s => s.Status,
            };
            return samples.GroupBy(key, StringComparer.Ordinal)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => Row(by.ToString(), g.Key, g.ToList(), since, until, by == StatsGrouping.Queue ? null : slots))
                .ToList();
        }

        /// <summary>One row over <paramref name="samples"/>.</summary>
        public static ExecutionMetric Row(string groupBy, string key, IReadOnlyCollection<ExecutionSample> samples, DateTimeOffset since, DateTimeOffset until, int? slots)
        {
            var m = new ExecutionMetric { GroupBy = groupBy, Key = key, Since = since, Until = until, Total = samples.Count };
            var durations = new List<double>(samples.Count);
            var waits = new List<double>(samples.Count);
            double busy = 0;
            foreach (var s in samples)
            {
                switch (s.Status)
                {
                    case ExecutionStatus.Completed: m.Completed++; break;
                    case ExecutionStatus.Failed: m.Failed++; break;
                    case ExecutionStatus.Cancelled: m.Cancelled++; break;
                    default: m.Open++; break;
                }
                if (s.StartedAt is { } started) waits.Add(Math.Max(0, (started - s.CreatedAt).TotalSeconds));
                var from = s.StartedAt ?? s.CreatedAt;
                if (s.ClosedAt is { } closed && ExecutionStatus.IsFinal(s.Status)) durations.Add(Math.Max(0, (closed - from).TotalSeconds));
                // Busy time: the part of its run that falls inside the window.
                if (s.StartedAt is { } runFrom)
                {
                    var runTo = s.ClosedAt ?? until;
                    var a = runFrom > since ? runFrom : since;
                    var b = runTo < until ? runTo : until;
                    if (b > a) busy += (b - a).TotalSeconds;
                }
            }
            var finished = m.Completed + m.Failed + m.Cancelled;
            m.SuccessRate = finished == 0 ? (double?)null : Math.Round(100.0 * m.Completed / finished, 2);
            var hours = Math.Max((until - since).TotalHours, 1.0 / 3600);
            m.ThroughputPerHour = Math.Round(finished / hours, 3);
            m.ThroughputPerDay = Math.Round(finished / hours * 24, 3);
            if (durations.Count > 0)
            {
                durations.Sort();
                m.DurationAvg = Seconds(durations.Average());
                m.DurationMin = Seconds(durations[0]);
                m.DurationMax = Seconds(durations[durations.Count - 1]);
                m.DurationP50 = Seconds(Percentile(durations, 0.50));
                m.DurationP95 = Seconds(Percentile(durations, 0.95));
            }
            if (waits.Count > 0)
            {
                waits.Sort();
                m.QueueWaitAvg = Seconds(waits.Average());
                m.QueueWaitP50 = Seconds(Percentile(waits, 0.50));
                m.QueueWaitP95 = Seconds(Percentile(waits, 0.95));
            }
            if (slots is { } n && n > 0)
            {
                m.Slots = n;
                m.WorkerUtilisation = Math.Round(100.0 * busy / (n * (until - since).TotalSeconds), 2);
            }
            return m;
        }

        /// <summary>Nearest-rank percentile of sorted values (p in 0..1).</summary>
        public static double Percentile(IReadOnlyList<double> sorted, double p)
        {
            if (sorted.Count == 0) return 0;
            var rank = (int)Math.Ceiling(p * sorted.Count);
            return sorted[Math.Min(sorted.Count - 1, Math.Max(0, rank - 1))];
        }

        private static TimeSpan Seconds(double s) => TimeSpan.FromTicks((long)Math.Round(s * TimeSpan.TicksPerSecond));
    }
}
