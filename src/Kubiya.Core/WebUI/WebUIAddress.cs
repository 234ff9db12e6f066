using System;
using System.Globalization;
using System.IO;
using Kubiya.Core.Processes;
using Kubiya.Core.Workers;

namespace Kubiya.Core.WebUI
{
    /// <summary>
    /// Where a queue's worker serves its web UI, published in <c>webui.url</c> of its worker folder
    /// (the address only: the token stays in the terminal and the owner-only worker log), so
    /// <c>worker status</c> and <c>Get-KubiyaWorker</c> can show it.
    /// </summary>
    public static class WebUIAddress
    {
        /// <summary>The file of <paramref name="paths"/>.</summary>
        public static string FileOf(WorkerPaths paths) => Path.Combine(paths.Directory, "webui.url");

        /// <summary>Records that process <paramref name="pid"/> serves the UI at <paramref name="url"/>.</summary>
        public static void Write(WorkerPaths paths, string url, int pid) =>
            AtomicFile.WriteAllText(FileOf(paths), url + "\n" + pid.ToString(CultureInfo.InvariantCulture) + "\n");

        /// <summary>Removes the record if it is <paramref name="pid"/>'s.</summary>
        public static void Remove(WorkerPaths paths, int pid)
        {
            try
            {
                var lines = File.ReadAllLines(FileOf(paths));
                if (lines.Length > 1 && lines[1] == pid.ToString(CultureInfo.InvariantCulture)) File.Delete(FileOf(paths));
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        /// <summary>The address served now, or null (no record, or its process is gone).</summary>
        public static string? Read(WorkerPaths paths)
        {
            try
            {
                var lines = File.ReadAllLines(FileOf(paths));
                if (lines.Length < 2 || !int.TryParse(lines[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid)) return null;
                return ProcessProbe.StartTimeUtc(pid) != null ? lines[0] : null;
            }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
        }
    }
}
