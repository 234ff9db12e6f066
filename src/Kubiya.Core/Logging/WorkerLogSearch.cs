using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace Kubiya.Core.Logging
{
    /// <summary>One line of a worker log, with the level and time read from its prefix.</summary>
    public sealed class WorkerLogLine
    {
        /// <summary>The file it came from (worker.log, worker.log.1, ...).</summary>
        public string File { get; set; } = "";
        /// <summary>Line number in that file (1-based).</summary>
        public int Number { get; set; }
        /// <summary>Local time of the entry, when the line has one.</summary>
        public string? Time { get; set; }
        /// <summary>trace, debug, info, warn, error or critical (a continuation line keeps its entry's level).</summary>
        public string Level { get; set; } = "info";
        /// <summary>The whole line.</summary>
        public string Text { get; set; } = "";
    }

    /// <summary>
    /// Reads a worker's log and its rotated files (oldest first) with a minimum level and a text
    /// search, as written by <see cref="LogFormat.Line"/>.
    /// </summary>
    public static class WorkerLogSearch
    {
        /// <summary>Level names, lowest first.</summary>
        public static readonly IReadOnlyList<string> Levels = new[] { "trace", "debug", "info", "warn", "error", "critical" };

        private static readonly Regex Prefix = new Regex(@"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) (trce|dbug|info|warn|fail|crit) ", RegexOptions.Compiled);

        /// <summary>The log files of <paramref name="logFile"/>, oldest first (worker.log.N ... worker.log).</summary>
        public static IReadOnlyList<string> Files(string logFile)
        {
            var files = new List<string>();
            for (var i = 1; i < 1000 && System.IO.File.Exists(logFile + "." + i.ToString(CultureInfo.InvariantCulture)); i++)
                files.Insert(0, logFile + "." + i.ToString(CultureInfo.InvariantCulture));
            if (System.IO.File.Exists(logFile)) files.Add(logFile);
            return files;
        }

        /// <summary>
        /// The last <paramref name="limit"/> lines at or above <paramref name="minimumLevel"/> that contain
        /// <paramref name="search"/> (case-insensitive), across every rotated file.
        /// </summary>
        public static IReadOnlyList<WorkerLogLine> Search(string logFile, string? minimumLevel, string? search, int limit)
        {
            var min = LevelRank(minimumLevel);
            var result = new Queue<WorkerLogLine>();
            foreach (var file in Files(logFile))
            {
                var level = "info";
                var number = 0;
                foreach (var text in ReadShared(file))
                {
                    number++;
                    var line = Parse(text, level);
                    level = line.Level;
                    if (LevelRank(line.Level) < min) continue;
                    if (!string.IsNullOrEmpty(search) && text.IndexOf(search, StringComparison.OrdinalIgnoreCase) < 0) continue;
                    line.File = Path.GetFileName(file);
                    line.Number = number;
                    result.Enqueue(line);
                    if (result.Count > limit) result.Dequeue();
                }
            }
            return result.ToList();
        }

        /// <summary>
        /// Reads the level and time of <paramref name="text"/>; lines without a prefix keep <paramref name="previousLevel"/>.
        /// A web UI access token in the line (the worker logs its UI's address) is hidden: these lines are served by the UI.
        /// </summary>
        public static WorkerLogLine Parse(string text, string previousLevel = "info")
        {
            var shown = HideUiTokens(text);
            var m = Prefix.Match(text);
            if (!m.Success) return new WorkerLogLine { Level = previousLevel, Text = shown };
            return new WorkerLogLine { Time = m.Groups[1].Value, Level = Name(m.Groups[2].Value), Text = shown };
        }

        private static readonly Regex UiToken = new Regex(@"([?&]token=)[0-9a-fA-F]{16,}", RegexOptions.Compiled);

        /// <summary><paramref name="text"/> with the token of every web UI address replaced by <c>(hidden)</c>.</summary>
        public static string HideUiTokens(string text) => UiToken.Replace(text, "$1(hidden)");

        private static string Name(string shortName) => shortName switch
        {
            "trce" => "trace",
            "dbug" => "debug",
            "warn" => "warn",
            "fail" => "error",
            "crit" => "critical",
            _ => "info",
        };

        private static int LevelRank(string? level)
        {
            if (string.IsNullOrWhiteSpace(level)) return 0;
            for (var i = 0; i < Levels.Count; i++)
                if (string.Equals(Levels[i], level!.Trim(), StringComparison.OrdinalIgnoreCase)) return i;
            return 0;
        }

        private static IEnumerable<string> ReadShared(string path)
        {
            FileStream fs;
            try { fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete); }
            catch (IOException) { yield break; }
            catch (UnauthorizedAccessException) { yield break; }
            using (fs)
            using (var reader = new StreamReader(fs))
            {
                string? line;
                while ((line = reader.ReadLine()) != null) yield return line;
            }
        }
    }
}
