using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Kubiya.Core.Workers
{
    /// <summary>
    /// The options a daemon runs with, recorded by its supervisor in <c>daemon_options.txt</c> of the
    /// worker folder (one argument of <see cref="DaemonOptions.ToArguments"/> per line, owner-only),
    /// so <c>worker restart</c> starts it again exactly as it was started. It names files only
    /// (the model configuration's path), never a key.
    /// </summary>
    public static class DaemonOptionsFile
    {
        /// <summary>File name inside the worker folder.</summary>
        public const string FileName = "daemon_options.txt";

        /// <summary>The file of <paramref name="paths"/>.</summary>
        public static string FileOf(WorkerPaths paths) => Path.Combine(paths.Directory, FileName);

        /// <summary>Records <paramref name="options"/> for <paramref name="paths"/>' queue.</summary>
        public static void Write(WorkerPaths paths, DaemonOptions options) =>
            AtomicFile.WriteAllText(FileOf(paths), string.Join("\n", options.Validate().ToArguments()) + "\n");

        /// <summary>The recorded options; null when none were recorded (a daemon of an older version) or the file is unreadable.</summary>
        public static DaemonOptions? TryRead(WorkerPaths paths)
        {
            string[] lines;
            try { lines = File.ReadAllLines(FileOf(paths)); }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
            try { return DaemonOptions.FromArguments(lines.Where(l => l.Length > 0)).Validate(); }
            catch (Errors.KubiyaException) { return null; }
        }
    }
}
