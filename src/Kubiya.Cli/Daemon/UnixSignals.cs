using System.Runtime.InteropServices;

namespace Kubiya.Cli.Daemon;

/// <summary>Sends SIGTERM on Unix (Process.Kill only sends SIGKILL).</summary>
internal static class UnixSignals
{
    private const int SIGTERM = 15;

    [DllImport("libc", SetLastError = true, EntryPoint = "kill")]
    private static extern int SysKill(int pid, int sig);

    /// <summary>Asks a process to terminate gracefully; false on Windows or when it is gone.</summary>
    public static bool Terminate(int pid) => !OperatingSystem.IsWindows() && SysKill(pid, SIGTERM) == 0;
}
