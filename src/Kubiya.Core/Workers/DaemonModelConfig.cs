using System;
using System.IO;
using Kubiya.Core.Errors;
using Kubiya.Core.Security;

namespace Kubiya.Core.Workers
{
    /// <summary>
    /// The model configuration a daemon worker is started with. The daemon's command line only ever
    /// names a file: a <c>--proxy-config-json</c> text (which may hold a literal key) is checked, then
    /// written to an owner-only <c>models.json</c> in the queue's worker folder of the Kubiya home.
    /// </summary>
    public static class DaemonModelConfig
    {
        /// <summary>File name of the written JSON configuration, inside the worker folder.</summary>
        public const string JsonFileName = "models.json";

        /// <summary>
        /// The file the daemon reads: <paramref name="file"/> made absolute (it must exist), or
        /// <paramref name="json"/> written to the worker folder; null when neither is given.
        /// </summary>
        public static string? Prepare(WorkerPaths paths, string? file, string? json)
        {
            if (file != null && json != null)
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "ModelConfigConflict",
                    "Give the model configuration as a file or as JSON text, not both.", null);
            if (file != null)
            {
                var full = Path.GetFullPath(file);
                if (!File.Exists(full))
                    throw new KubiyaException(KubiyaErrorKind.NotFound, "ModelConfigNotFound", $"Model configuration file '{full}' does not exist.", full);
                return full;
            }
            if (json == null) return null;
            // Checked here, so a mistake is reported now and not in the daemon's log.
            Agents.Llm.Models.ModelListReader.Read(json, "--proxy-config-json", Environment.GetEnvironmentVariable);
            OwnerOnly.Folder(paths.Directory);
            var path = Path.Combine(paths.Directory, JsonFileName);
            OwnerOnly.WriteAllText(path, json);
            return path;
        }
    }
}
