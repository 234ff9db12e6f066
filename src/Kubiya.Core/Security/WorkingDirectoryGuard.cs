using System;
using System.IO;

namespace Kubiya.Core.Security
{
    /// <summary>
    /// A step's relative <c>workingDirectory</c> must stay inside the execution's folder: <c>../../..</c>
    /// would otherwise run the step in <c>/</c>. Absolute folders are the author's explicit choice and stay
    /// allowed. Pure string logic, so workflows may use it.
    /// </summary>
    public static class WorkingDirectoryGuard
    {
        /// <summary>True when <paramref name="relative"/> is relative and climbs above its starting folder.</summary>
        public static bool Escapes(string? relative)
        {
            if (string.IsNullOrWhiteSpace(relative)) return false;
            var p = relative!.Trim();
            if (Path.IsPathRooted(p) || p.StartsWith("~", StringComparison.Ordinal)) return false;
            var depth = 0;
            foreach (var part in p.Split(new[] { '/', '\\' }, StringSplitOptions.RemoveEmptyEntries))
            {
                if (part == ".") continue;
                if (part == "..")
                {
                    if (--depth < 0) return true;
                }
                else depth++;
            }
            return false;
        }

        /// <summary>The error text for a refused folder.</summary>
        public static string Explain(string relative) =>
            $"'{relative}' leaves the execution's folder; a relative workingDirectory must stay inside it (use an absolute path to run elsewhere on purpose)";
    }
}
