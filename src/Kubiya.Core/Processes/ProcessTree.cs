using System;
using System.Diagnostics;
using System.Reflection;

namespace Kubiya.Core.Processes
{
    /// <summary>Kills a process with its descendants (Process.Kill(true) where the runtime has it).</summary>
    public static class ProcessTree
    {
        // netstandard2.0 has no Kill(bool); every runtime the product runs on does.
        private static readonly MethodInfo? KillWithTree = typeof(Process).GetMethod("Kill", new[] { typeof(bool) });

        /// <summary>Kills <paramref name="process"/> and its children; nothing happens when it is gone.</summary>
        public static void Kill(Process process)
        {
            try
            {
                if (process.HasExited) return;
                if (KillWithTree != null) KillWithTree.Invoke(process, new object[] { true });
                else process.Kill();
            }
            catch (Exception)
            {
                // Already gone.
            }
        }
    }
}
