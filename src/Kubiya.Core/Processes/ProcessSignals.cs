using System;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Kubiya.Core.Processes
{
    /// <summary>Asks processes to stop: SIGTERM on Unix (Process.Kill only sends SIGKILL), a kill on Windows.</summary>
    public static class ProcessSignals
    {
        private const int SIGTERM = 15;

        [DllImport("libc", SetLastError = true, EntryPoint = "kill")]
        private static extern int SysKill(int pid, int sig);

        /// <summary>True on Unix, where a process can be asked to terminate gracefully.</summary>
        public static bool CanTerminateGracefully => Environment.OSVersion.Platform == PlatformID.Unix;

        /// <summary>Sends SIGTERM; false on Windows or when the process is gone.</summary>
        public static bool Terminate(int pid) => CanTerminateGracefully && pid > 0 && SysKill(pid, SIGTERM) == 0;

        /// <summary>Kills <paramref name="pid"/> at once (SIGKILL); false when it is gone.</summary>
        public static bool Kill(int pid)
        {
            try
            {
                using var p = Process.GetProcessById(pid);
                p.Kill();
                return true;
            }
            catch (ArgumentException) { return false; }
            catch (InvalidOperationException) { return false; }
            catch (System.ComponentModel.Win32Exception) { return false; }
        }
    }
}
