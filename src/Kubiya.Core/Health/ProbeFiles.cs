using System;
using System.IO;

namespace Kubiya.Core.Health
{
    /// <summary>
    /// The files container probes check: the liveness file is rewritten each heartbeat (its time
    /// is the proof), the readiness file exists while the worker polls.
    /// </summary>
    public sealed class ProbeFiles
    {
        private readonly string? aliveFile;
        private readonly string? readyFile;

        /// <summary>Probe files at the configured paths (null paths are skipped).</summary>
        public ProbeFiles(ObservabilitySettings settings)
        {
            aliveFile = settings.AliveFile;
            readyFile = settings.ReadyFile;
        }

        /// <summary>Writes the liveness file with the current time.</summary>
        public void Alive(DateTimeOffset now) => Write(aliveFile, now.ToString("o", System.Globalization.CultureInfo.InvariantCulture));

        /// <summary>Creates (true) or removes (false) the readiness file.</summary>
        public void Ready(bool ready)
        {
            if (ready) Write(readyFile, "ready");
            else Delete(readyFile);
        }

        /// <summary>Removes both files (the worker stopped).</summary>
        public void Clear()
        {
            Delete(readyFile);
            Delete(aliveFile);
        }

        private static void Write(string? path, string text)
        {
            if (path == null) return;
            var dir = Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
            // Written beside and renamed, so a probe never reads half a file.
            var temp = path + ".tmp";
            File.WriteAllText(temp, text + "\n");
            if (File.Exists(path)) File.Replace(temp, path, null);
            else File.Move(temp, path);
        }

        private static void Delete(string? path)
        {
            if (path == null) return;
            try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
