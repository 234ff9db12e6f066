using System.Diagnostics;

namespace Kubiya.Bench;

/// <summary>CPU time of processes from /proc (Linux), to say where the work of a benchmark went.</summary>
public static class ProcessCpu
{
    /// <summary>The server is 'dotnet Kubiya.Server.dll ... --db PATH': found by its unique database path.</summary>
    public static int FindServerPid(string dbPath)
    {
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                if (cmdline.Contains(dbPath) && cmdline.Contains("Kubiya.Server")) return pid;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        throw new InvalidOperationException("server process not found in /proc");
    }

    /// <summary>utime + stime of the process in milliseconds (clock ticks of 10 ms, the Linux USER_HZ).</summary>
    public static double CpuMs(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) * 10.0;
    }

    /// <summary>Kernel (system) CPU time of the process in milliseconds: syscalls, scheduling, page faults.</summary>
    public static double SysMs(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[12]) * 10.0;
    }

    /// <summary>Voluntary + involuntary context switches of every thread of the process (how often it slept or was preempted).</summary>
    public static long ContextSwitches(int pid)
    {
        long n = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("voluntary_ctxt_switches:") || line.StartsWith("nonvoluntary_ctxt_switches:"))
                n += long.Parse(line[(line.IndexOf(':') + 1)..].Trim());
        return n;
    }

    /// <summary>This process's CPU time in milliseconds.</summary>
    public static double SelfCpuMs() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
}
