using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Kubiya.Core.Configuration;
using Kubiya.Core.Processes;
using Kubiya.Core.Security;

namespace Kubiya.Core.Workers
{
    /// <summary>
    /// What this machine knows about workers that stopped. The server keeps listing a poller for
    /// minutes after its worker went away; every worker host records its identity here when it
    /// stops (<c>~/.kubiya/workers/stopped-workers.tsv</c>), and a poller of this host whose
    /// process is gone (killed, or a daemon's worker that died) has stopped too. Listings mark
    /// such pollers <see cref="StoppedState"/> instead of Polling.
    /// </summary>
    public static class StoppedWorkers
    {
        /// <summary>The state of a server-reported poller known to have stopped.</summary>
        public const string StoppedState = "Stopped";

        /// <summary>Records older than this are dropped (the server forgets its pollers well before).</summary>
        public static readonly TimeSpan Retention = TimeSpan.FromHours(1);

        // Rewritten without the expired records once it grows past this (a few hundred records).
        private const int CompactAboveBytes = 16 * 1024;
        private static readonly object Gate = new object();

        /// <summary>The record file under <paramref name="paths"/>.</summary>
        public static string FileOf(KubiyaPaths paths) => Path.Combine(paths.WorkersDirectory, "stopped-workers.tsv");

        /// <summary>Records that the worker <paramref name="identity"/> of <paramref name="queue"/> stopped at <paramref name="at"/>; never throws.</summary>
        public static void Record(KubiyaPaths paths, string queue, string identity, DateTimeOffset at)
        {
            if (string.IsNullOrEmpty(identity)) return;
            var line = $"{at.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture)}\t{Clean(queue)}\t{Clean(identity)}\n";
            try
            {
                lock (Gate)
                {
                    OwnerOnly.Folder(paths.Home);
                    OwnerOnly.Folder(paths.WorkersDirectory);
                    var file = FileOf(paths);
                    // One short append per stop: other processes append too, and appends do not interleave.
                    File.AppendAllText(file, line);
                    if (new FileInfo(file).Length > CompactAboveBytes) Compact(file, at);
                }
            }
            catch (IOException)
            {
                // Only an optimisation of listings: the server forgets the poller in a few minutes anyway.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        /// <summary>Identities recorded as stopped within <see cref="Retention"/> of <paramref name="now"/>, with when.</summary>
        public static IReadOnlyDictionary<string, DateTimeOffset> Read(KubiyaPaths paths, DateTimeOffset now)
        {
            var stopped = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            foreach (var (at, _, identity) in Parse(ReadLines(FileOf(paths))))
                if (now - at <= Retention) stopped[identity] = at;
            return stopped;
        }

        /// <summary>
        /// Marks the pollers of <paramref name="pollers"/> that stopped: recorded here, or of
        /// <paramref name="thisHost"/> with a process that is gone (or was started after the
        /// server last saw the poller, i.e. a reused pid).
        /// </summary>
        public static IReadOnlyList<WorkerInfo> Mark(IReadOnlyList<WorkerInfo> pollers, KubiyaPaths paths, string thisHost)
        {
            if (pollers.Count == 0) return pollers;
            var stopped = Read(paths, DateTimeOffset.UtcNow);
            foreach (var p in pollers)
                if (stopped.ContainsKey(p.Identity) || ProcessGone(p, thisHost)) p.State = StoppedState;
            return pollers;
        }

        /// <summary>True for an identity <c>PID@HOST/...</c> of this host whose process no longer runs.</summary>
        public static bool ProcessGone(WorkerInfo poller, string thisHost)
        {
            var identity = poller.Identity;
            var at = identity.IndexOf('@');
            var slash = identity.IndexOf('/', at + 1);
            if (at <= 0 || slash < 0) return false;
            if (!string.Equals(identity.Substring(at + 1, slash - at - 1), thisHost, StringComparison.OrdinalIgnoreCase)) return false;
            if (!int.TryParse(identity.Substring(0, at), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) return false;
            var started = ProcessProbe.StartTimeUtc(pid);
            if (started == null) return true;
            // A process that started after the server last saw the poller is a reused pid, not the worker.
            return started != DateTime.MinValue && poller.LastAccessTime is { } seen && started.Value > seen.UtcDateTime.AddSeconds(2);
        }

        private static void Compact(string file, DateTimeOffset now)
        {
            var keep = Parse(ReadLines(file)).Where(r => now - r.At <= Retention)
                .Select(r => $"{r.At.ToString("o", CultureInfo.InvariantCulture)}\t{r.Queue}\t{r.Identity}\n");
            AtomicFile.WriteAllText(file, string.Concat(keep));
        }

        private static IEnumerable<(DateTimeOffset At, string Queue, string Identity)> Parse(IEnumerable<string> lines)
        {
            foreach (var line in lines)
            {
                var parts = line.Split('\t');
                if (parts.Length == 3 && parts[2].Length > 0 &&
                    DateTimeOffset.TryParse(parts[0], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at))
                    yield return (at, parts[1], parts[2]);
            }
        }

        private static string[] ReadLines(string file)
        {
            try
            {
                return File.Exists(file) ? File.ReadAllLines(file) : new string[0];
            }
            catch (IOException)
            {
                return new string[0];
            }
            catch (UnauthorizedAccessException)
            {
                return new string[0];
            }
        }

        private static string Clean(string s) => s.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');
    }
}
