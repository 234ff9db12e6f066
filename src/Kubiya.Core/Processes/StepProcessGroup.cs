using System;
using System.Diagnostics;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using Kubiya.Core.Activities;

namespace Kubiya.Core.Processes
{
    /// <summary>
    /// Starts a step's process so that it belongs to its step and its worker, and to nothing else:
    /// <list type="bullet">
    /// <item>On Unix it runs in a session and process group of its own (<c>setsid</c>), so a Ctrl+C
    /// at the terminal (SIGINT to the foreground group) or a closing terminal (SIGHUP) never reaches
    /// it; only its worker stops it.</item>
    /// <item>A small launcher shell watches a pipe from the worker (the step's stdin as the worker
    /// sees it; the step itself reads <c>/dev/null</c>). When the worker ends in any way, kill -9
    /// included, the kernel closes the pipe and the launcher ends the whole group: SIGTERM, then
    /// SIGKILL after <see cref="GraceSeconds"/>. A step therefore never runs on after its worker
    /// died while the retry runs elsewhere.</item>
    /// <item>Processes the step leaves running in its group when it exits end with it.</item>
    /// <item>On Windows the process gets no console of the worker's (CREATE_NO_WINDOW), so console
    /// control events do not reach it, and it is killed with its tree.</item>
    /// </list>
    /// </summary>
    public static class StepProcessGroup
    {
        /// <summary>Seconds between SIGTERM and SIGKILL when a group is stopped.</summary>
        public const int GraceSeconds = 2;

        private const int SIGTERM = 15;
        private const int SIGKILL = 9;
        private const int ESRCH = 3;

        // $1 = the step's program, the rest its arguments. fd 0 is the worker's pipe: EOF there
        // means the worker is gone. The watcher ignores TERM so it survives its own group kill.
        private const string Launcher =
            "exec 3<&0 </dev/null\n" +
            "\"$@\" 3<&- &\n" +
            "step=$!\n" +
            "( trap '' TERM; while read -r _ <&3; do :; done; kill -TERM 0; sleep " + "GRACE" + "; kill -KILL 0 ) >/dev/null 2>&1 &\n" +
            "watch=$!\n" +
            "exec 3<&-\n" +
            "wait \"$step\"; rc=$?\n" +
            "kill -KILL \"$watch\" 2>/dev/null\n" +
            "trap '' TERM; kill -TERM 0 2>/dev/null\n" +
            "exit $rc\n";

        private static readonly System.Collections.Concurrent.ConcurrentDictionary<Process, bool> Running = new System.Collections.Concurrent.ConcurrentDictionary<Process, bool>();

        [DllImport("libc", SetLastError = true, EntryPoint = "kill")]
        private static extern int SysKill(int pid, int sig);

        /// <summary>True where steps get their own process group and the parent-death watcher.</summary>
        public static bool Supported => !CommandLocator.IsWindows;

        /// <summary>
        /// Rewrites <paramref name="psi"/> (program and arguments) so it starts under the launcher.
        /// The caller must redirect standard input and keep it open for the step's lifetime.
        /// </summary>
        public static ProcessStartInfo Wrap(ProcessStartInfo psi)
        {
            if (!Supported) return psi;
            var setsid = CommandLocator.FindOnPath("setsid");
            var launcher = "/bin/sh -c " + CommandLocator.Quote(Launcher.Replace("GRACE", GraceSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                + " kubiya-step " + CommandLocator.Quote(psi.FileName) + (string.IsNullOrEmpty(psi.Arguments) ? "" : " " + psi.Arguments);
            if (setsid != null)
            {
                psi.FileName = setsid;
                psi.Arguments = launcher;
            }
            else
            {
                // No setsid (some BSDs): the watcher still ends the step with its worker.
                psi.FileName = "/bin/sh";
                psi.Arguments = launcher.Substring("/bin/sh ".Length);
            }
            return psi;
        }

        /// <summary>
        /// Stops the step started as <paramref name="process"/> and everything in its group: SIGTERM,
        /// then SIGKILL once <paramref name="grace"/> passed; returns when no process of the group is
        /// left (or after a bounded wait).
        /// </summary>
        public static void Stop(Process process, TimeSpan grace)
        {
            int pid;
            try
            {
                pid = process.Id;
            }
            catch (InvalidOperationException)
            {
                return;
            }
            if (!Supported || !IsGroupLeader(pid))
            {
                KillTree(process);
                return;
            }
            SysKill(-pid, SIGTERM);
            var deadline = DateTime.UtcNow + grace;
            while (GroupAlive(pid) && DateTime.UtcNow < deadline) Thread.Sleep(50);
            if (GroupAlive(pid)) SysKill(-pid, SIGKILL);
            var gone = DateTime.UtcNow.AddSeconds(5);
            while (GroupAlive(pid) && DateTime.UtcNow < gone) Thread.Sleep(20);
            KillTree(process);
        }

        /// <summary>Records a started step process until <see cref="Ended"/>, for <see cref="StopAll"/>.</summary>
        public static void Started(Process process) => Running[process] = true;

        /// <summary>The step process ended (or was stopped).</summary>
        public static void Ended(Process process) => Running.TryRemove(process, out _);

        /// <summary>Stops every step process this process runs (it is about to exit), in parallel.</summary>
        public static void StopAll(TimeSpan grace)
        {
            var all = Running.Keys.ToArray();
            System.Threading.Tasks.Parallel.ForEach(all, p => Stop(p, grace));
        }

        /// <summary>True while any process of the group <paramref name="pgid"/> exists (zombies aside once reaped).</summary>
        public static bool GroupAlive(int pgid) => SysKill(-pgid, 0) == 0 || Marshal.GetLastWin32Error() != ESRCH;

        private static bool IsGroupLeader(int pid)
        {
            // Only when the launcher made its own group: never signal the worker's group.
            try
            {
                var stat = System.IO.File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ');
                return fields.Length > 2 && fields[2] == pid.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (System.IO.IOException)
            {
                // No /proc (macOS) or already gone: the launcher's own group exists only with setsid.
                return CommandLocator.FindOnPath("setsid") != null && SysKill(-pid, 0) == 0;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        }

        private static void KillTree(Process process)
        {
            try
            {
                if (!process.HasExited) ProcessTree.Kill(process);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }
    }
}
