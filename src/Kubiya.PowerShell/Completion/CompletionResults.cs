using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Kubiya.Core;
using Kubiya.Core.Completion;

namespace Kubiya.PowerShell.Completion
{
    /// <summary>Shared plumbing of the argument completers: settings, the session's folder, results.</summary>
    internal static class CompletionResults
    {
        /// <summary>A runtime from config.yaml and the environment; null when the settings cannot be read.</summary>
        public static CompletionSource? Source()
        {
            try
            {
                return new CompletionSource(KubiyaRuntime.Create());
            }
            catch (Exception ex) when (!(ex is OutOfMemoryException))
            {
                return null;
            }
        }

        /// <summary>
        /// The folder the command will run in: its -Cwd when typed, else the session's current
        /// file-system location (completers run on the pipeline thread, so the session state is ours).
        /// </summary>
        public static string WorkingDirectory(IDictionary fakeBoundParameters)
        {
            var here = CurrentLocation();
            if (fakeBoundParameters != null && fakeBoundParameters.Contains("Cwd") && fakeBoundParameters["Cwd"] is string cwd && cwd.Length > 0)
            {
                try
                {
                    return System.IO.Path.GetFullPath(System.IO.Path.Combine(here, cwd));
                }
                catch (ArgumentException)
                {
                    return here;
                }
            }
            return here;
        }

        /// <summary>The word typed so far, without the quotes the user may have opened.</summary>
        public static string Prefix(string? wordToComplete) => (wordToComplete ?? "").Trim('\'', '"');

        /// <summary>Turns candidates into completion results, quoting values that need it.</summary>
        public static IEnumerable<CompletionResult> From(IEnumerable<CompletionCandidate> candidates) =>
            candidates.Select(c => new CompletionResult(Quote(c.Value), c.Value, CompletionResultType.ParameterValue, c.ToolTip)).ToList();

        private static string Quote(string value) =>
            value.IndexOfAny(new[] { ' ', '\t', '$', '`', '\'', '"', ';', '(', ')', '{', '}', ',', '&', '|', '@', '#' }) < 0
                ? value
                : "'" + value.Replace("'", "''") + "'";

        private static string CurrentLocation()
        {
            try
            {
                var results = ScriptBlock.Create("$ExecutionContext.SessionState.Path.CurrentFileSystemLocation.ProviderPath").Invoke();
                if (results.Count > 0 && results[0]?.BaseObject is string path && path.Length > 0) return path;
            }
            catch (Exception ex) when (!(ex is OutOfMemoryException))
            {
                // Not on a runspace thread: fall back to the process folder.
            }
            return Environment.CurrentDirectory;
        }
    }
}
