using System;

namespace Kubiya.Core.Workers
{
    /// <summary>
    /// Exponential restart delay for a supervised worker: doubles on each quick death up to a
    /// ceiling, and starts over once the worker has stayed up for the stable period.
    /// </summary>
    public sealed class RestartBackoff
    {
        private readonly TimeSpan initial;
        private readonly TimeSpan maximum;
        private readonly TimeSpan stableAfter;
        private int failures;

        /// <summary>Creates the policy.</summary>
        public RestartBackoff(TimeSpan initial, TimeSpan maximum, TimeSpan stableAfter)
        {
            if (initial <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(initial));
            if (maximum < initial) throw new ArgumentOutOfRangeException(nameof(maximum));
            this.initial = initial;
            this.maximum = maximum;
            this.stableAfter = stableAfter;
        }

        /// <summary>The delay before the next start, given how long the last run lasted.</summary>
        public TimeSpan NextDelay(TimeSpan lastRunDuration)
        {
            if (lastRunDuration >= stableAfter) failures = 0;
            var ms = initial.TotalMilliseconds * Math.Pow(2, failures);
            failures = Math.Min(failures + 1, 30);
            return TimeSpan.FromMilliseconds(Math.Min(ms, maximum.TotalMilliseconds));
        }
    }
}
