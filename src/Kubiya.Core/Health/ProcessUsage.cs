using System;
using System.Diagnostics;

namespace Kubiya.Core.Health
{
    /// <summary>CPU and memory of this process, sampled once per heartbeat.</summary>
    internal sealed class ProcessUsage
    {
        private TimeSpan lastCpu;
        private DateTime lastWall;

        public ProcessUsage()
        {
            using var p = Process.GetCurrentProcess();
            lastCpu = p.TotalProcessorTime;
            lastWall = DateTime.UtcNow;
        }

        /// <summary>CPU percent (of one core) since the last sample, and the working set in MiB.</summary>
        public (double CpuPercent, double MemoryMb) Sample()
        {
            using var p = Process.GetCurrentProcess();
            var cpu = p.TotalProcessorTime;
            var wall = DateTime.UtcNow;
            var elapsed = (wall - lastWall).TotalSeconds;
            var percent = elapsed <= 0 ? 0 : (cpu - lastCpu).TotalSeconds / elapsed * 100;
            lastCpu = cpu;
            lastWall = wall;
            return (Math.Round(Math.Max(0, percent), 1), Math.Round(p.WorkingSet64 / (1024.0 * 1024.0), 1));
        }
    }
}
