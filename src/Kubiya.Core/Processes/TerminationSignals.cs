using System;
using System.Collections.Generic;
using System.Reflection;

namespace Kubiya.Core.Processes
{
    /// <summary>
    /// Runs a handler when this process is told to end (SIGTERM, SIGHUP) before it ends. Since
    /// .NET 10 the runtime gives SIGTERM no managed default (no ProcessExit), so a host such as
    /// pwsh would die with nothing cleaned up. Reached through reflection because the runtime
    /// assembly targets netstandard2.0; where the API does not exist (Windows PowerShell 5.1),
    /// nothing is registered and ProcessExit alone applies.
    /// </summary>
    public static class TerminationSignals
    {
        private static readonly List<object> Registrations = new List<object>();
        private static Action? handlers;

        /// <summary>
        /// Adds <paramref name="handler"/>; it runs on the signal's thread and the process then ends as
        /// the signal says (this never cancels the termination).
        /// </summary>
        public static void OnTerminate(Action handler)
        {
            lock (Registrations)
            {
                handlers += handler;
                if (Registrations.Count > 0) return;
                var registration = Type.GetType("System.Runtime.InteropServices.PosixSignalRegistration, System.Runtime.InteropServices", throwOnError: false);
                var signalType = Type.GetType("System.Runtime.InteropServices.PosixSignal, System.Runtime.InteropServices", throwOnError: false);
                var contextType = Type.GetType("System.Runtime.InteropServices.PosixSignalContext, System.Runtime.InteropServices", throwOnError: false);
                var create = registration?.GetMethod("Create", BindingFlags.Public | BindingFlags.Static);
                if (create == null || signalType == null || contextType == null) return;
                var callback = Delegate.CreateDelegate(typeof(Action<>).MakeGenericType(contextType),
                    typeof(TerminationSignals).GetMethod(nameof(OnSignal), BindingFlags.NonPublic | BindingFlags.Static)!);
                foreach (var name in new[] { "SIGTERM", "SIGHUP" })
                {
                    try
                    {
                        Registrations.Add(create.Invoke(null, new[] { Enum.Parse(signalType, name), callback })!);
                    }
                    catch (TargetInvocationException)
                    {
                        // Not supported on this platform (SIGHUP on Windows).
                    }
                }
            }
        }

        private static void OnSignal(object context)
        {
            Action? run;
            lock (Registrations) run = handlers;
            try
            {
                run?.Invoke();
            }
            catch (Exception)
            {
                // The process ends anyway.
            }
        }
    }
}
