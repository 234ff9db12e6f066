using System.Threading;

namespace Kubiya.Core.Metrics
{
    /// <summary>A worker's own task totals, for its health heartbeat and its log line.</summary>
    public sealed class TaskCounters
    {
        private int active;
        private long completed;
        private long failed;
        private long totalTicks;

        /// <summary>Tasks running now.</summary>
        public int Active => Volatile.Read(ref active);
        /// <summary>Tasks finished successfully.</summary>
        public long Completed => Interlocked.Read(ref completed);
        /// <summary>Task attempts that failed.</summary>
        public long Failed => Interlocked.Read(ref failed);

        /// <summary>Average run time of finished tasks (0 before the first).</summary>
        public double AverageSeconds
        {
            get
            {
                var n = Completed + Failed;
                return n == 0 ? 0 : System.TimeSpan.FromTicks(Interlocked.Read(ref totalTicks) / n).TotalSeconds;
            }
        }

        internal void Started() => Interlocked.Increment(ref active);

        internal void Finished(bool ok, System.TimeSpan duration)
        {
            Interlocked.Decrement(ref active);
            Interlocked.Add(ref totalTicks, duration.Ticks);
            if (ok) Interlocked.Increment(ref completed);
            else Interlocked.Increment(ref failed);
        }
    }
}
