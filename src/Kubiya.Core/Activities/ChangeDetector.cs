using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Agents;
using Kubiya.Core.Workflows;
using Kubiya.Core.Processes;

namespace Kubiya.Core.Activities
{
    /// <summary>
    /// Lists the paths changed since a git base (<c>git diff --name-only BASE</c>, plus untracked
    /// files) and picks the commands whose rules match them.
    /// </summary>
    public static class ChangeDetector
    {
        private static readonly Regex Variable = new Regex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}", RegexOptions.CultureInvariant);

        /// <summary>Runs git in <paramref name="workingDirectory"/> and applies the rules.</summary>
        public static async Task<ChangesResult> DetectAsync(string workingDirectory, ChangesDefinition changes,
            IDictionary<string, string> env, CancellationToken cancellationToken)
        {
            var baseRef = Expand(changes.Base, env);
            var paths = new List<string>();
            try
            {
                await GitAsync(workingDirectory, "diff --name-only " + CommandLocator.Quote(baseRef) + " --", paths, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException ex)
            {
                // Say which base it was, as written and as resolved (a ${VAR:-default} is resolved here, on the worker).
                var from = baseRef != changes.Base ? $" (from {changes.Base})" : "";
                throw new InvalidOperationException($"cannot list the changes since '{baseRef}'{from}: {ex.Message}", ex);
            }
            await GitAsync(workingDirectory, "ls-files --others --exclude-standard", paths, cancellationToken).ConfigureAwait(false);
            var distinct = paths.Where(p => p.Length > 0).Distinct(StringComparer.Ordinal).ToList();
            return new ChangesResult { Base = baseRef, ChangedPaths = distinct, Commands = Select(changes, distinct) };
        }

        /// <summary>The commands of the rules any path matches, in rule order, each once; else the fallback.</summary>
        public static List<ChangeRule> Select(ChangesDefinition changes, IReadOnlyCollection<string> paths)
        {
            var selected = new List<ChangeRule>();
            foreach (var rule in changes.Rules)
            {
                var regexes = rule.Paths.Select(Glob.ToRegex).ToList();
                if (!paths.Any(p => regexes.Any(r => r.IsMatch(p)))) continue;
                if (selected.Any(s => s.Kind == rule.Kind && s.Command == rule.Command)) continue;
                selected.Add(rule);
            }
            if (selected.Count == 0 && changes.Otherwise != null) selected.Add(changes.Otherwise);
            return selected;
        }

        /// <summary>Expands <c>${NAME}</c> and <c>${NAME:-default}</c> from the step env, then the process env.</summary>
        public static string Expand(string value, IDictionary<string, string> env) =>
            Variable.Replace(value, m =>
            {
                var name = m.Groups[1].Value;
                if (env.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v)) return v;
                var p = Environment.GetEnvironmentVariable(name);
                if (!string.IsNullOrEmpty(p)) return p!;
                return m.Groups[2].Success ? m.Groups[2].Value : "";
            });

        private static async Task GitAsync(string cwd, string args, List<string> into, CancellationToken ct)
        {
            var git = CommandLocator.FindOnPath(CommandLocator.IsWindows ? "git.exe" : "git")
                ?? throw new InvalidOperationException("git is not installed on this worker; a 'changes' step needs it.");
            var errors = new List<string>();
            int exit;
            try
            {
                exit = await ProcessRunner.RunAsync(new ProcessStartInfo(git) { Arguments = "-c core.quotepath=off " + args }, cwd,
                    new Dictionary<string, string>(), (line, isError) =>
                    {
                        lock (into)
                        {
                            if (isError) errors.Add(line);
                            else into.Add(line.Trim());
                        }
                    }, TimeSpan.FromMinutes(2), ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new InvalidOperationException($"git {args} did not finish within 2 minutes.");
            }
            if (exit != 0)
                throw new InvalidOperationException($"git {args} failed in {cwd} (exit {exit}): {string.Join(" ", errors).Trim()}");
        }
    }
}
