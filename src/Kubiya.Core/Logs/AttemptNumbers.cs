using System;
using System.Collections.Generic;

namespace Kubiya.Core.Logs
{
    /// <summary>
    /// Numbers every attempt of a step in the order it appears in history: the step's own runs
    /// (<c>retries:</c>) and the deliveries of one run to another worker after its first stopped
    /// answering. Each attempt gets its own number, start entry and output lines.
    /// </summary>
    internal sealed class AttemptNumbers
    {
        private readonly Dictionary<(string Step, int Run, int Delivery), int> numbers = new Dictionary<(string, int, int), int>();
        private readonly Dictionary<string, int> highest = new Dictionary<string, int>(StringComparer.Ordinal);
        private readonly Dictionary<(string Step, int Run), int> latest = new Dictionary<(string, int), int>();

        /// <summary>A run of the step was scheduled: its first delivery's number.</summary>
        public int Scheduled(string step, int run) => For(step, run, 1, assign: true);

        /// <summary>The number of a delivery; deliveries of steps never scheduled keep their run number.</summary>
        public int For(string step, int run, int delivery) => For(step, run, delivery, assign: delivery > 1 || highest.ContainsKey(step));

        /// <summary>The number of the last delivery of a run (the one that ended it).</summary>
        public int Latest(string step, int run) => latest.TryGetValue((step, run), out var n) ? n : run;

        private int For(string step, int run, int delivery, bool assign)
        {
            if (numbers.TryGetValue((step, run, delivery), out var n)) return n;
            if (!assign) return run;
            n = (highest.TryGetValue(step, out var h) ? h : 0) + 1;
            highest[step] = n;
            numbers[(step, run, delivery)] = n;
            latest[(step, run)] = n;
            return n;
        }
    }
}
