using System;
using System.Collections.Generic;
using Kubiya.Core.Executions;
using Kubiya.Core.Logs;

namespace Kubiya.Core.Pipelines
{
    /// <summary>
    /// Turns an execution's live log and its result into the annotations of a CI system: each
    /// step's output in a collapsible group, failures as error annotations, the id and status as
    /// output variables and a Markdown summary. Fronts print the returned lines on standard
    /// output, in order with the log lines themselves.
    /// </summary>
    public abstract class CiReporter
    {
        private string? openGroup;

        /// <summary>Output variable holding the execution id.</summary>
        public const string IdVariable = "execution_id";

        /// <summary>Output variable holding the final status (Completed, Failed, ...).</summary>
        public const string StatusVariable = "execution_status";

        /// <summary>The environment the reporter reads (file paths such as GITHUB_OUTPUT).</summary>
        protected Func<string, string?> GetVariable { get; }

        /// <summary>Creates a reporter reading <paramref name="getVariable"/>.</summary>
        protected CiReporter(Func<string, string?> getVariable) => GetVariable = getVariable;

        /// <summary>The reporter for <paramref name="mode"/> (Auto resolved from the environment); null for none.</summary>
        public static CiReporter? Create(CiMode mode, Func<string, string?>? getVariable = null)
        {
            var env = getVariable ?? CiEnvironment.Process;
            return CiEnvironment.Resolve(mode, env) switch
            {
                CiMode.AzureDevOps => new AzureDevOpsReporter(env),
                CiMode.GitHub => new GitHubActionsReporter(env),
                _ => null,
            };
        }

        /// <summary>Lines to print before <paramref name="entry"/>'s own line (a step's group opens).</summary>
        public IReadOnlyList<string> Before(LogEntry entry)
        {
            var lines = new List<string>();
            if (entry.Kind == LogEntryKind.StepStarted)
            {
                if (openGroup != null) lines.Add(EndGroup());
                openGroup = entry.Step ?? "step";
                lines.Add(BeginGroup(StepTitle(entry)));
            }
            return lines;
        }

        /// <summary>Lines to print after <paramref name="entry"/>'s own line (a step's group closes; a failure is annotated).</summary>
        public IReadOnlyList<string> After(LogEntry entry)
        {
            var lines = new List<string>();
            if (entry.Kind == LogEntryKind.StepCompleted || entry.Kind == LogEntryKind.StepFailed || entry.IsFinal)
            {
                if (openGroup != null) lines.Add(EndGroup());
                openGroup = null;
            }
            if (entry.Kind == LogEntryKind.StepFailed) lines.Add(Error(entry.Text));
            return lines;
        }

        /// <summary>
        /// Lines to print once the front has the final <paramref name="execution"/>: a closing group,
        /// the error annotation of a failed or cancelled run, the output variables; and the
        /// platform's files (outputs, summary) written.
        /// </summary>
        public IReadOnlyList<string> Finished(ExecutionInfo execution)
        {
            var lines = new List<string>();
            if (openGroup != null) lines.Add(EndGroup());
            openGroup = null;
            if (execution.Status == ExecutionStatus.Failed || execution.Status == ExecutionStatus.Cancelled)
                lines.Add(Error($"Kubiya execution {execution.Id} {execution.Status.ToString().ToLowerInvariant()}: {execution.Error ?? "no details"}"));
            lines.AddRange(Outputs(execution));
            lines.AddRange(Summary(execution, CiSummary.Markdown(execution)));
            return lines;
        }

        /// <summary>Opens a collapsible group.</summary>
        protected abstract string BeginGroup(string title);

        /// <summary>Closes the open group.</summary>
        protected abstract string EndGroup();

        /// <summary>An error annotation.</summary>
        protected abstract string Error(string message);

        /// <summary>Publishes the id and status as output variables; returns lines to print.</summary>
        protected abstract IEnumerable<string> Outputs(ExecutionInfo execution);

        /// <summary>Publishes the Markdown summary; returns lines to print.</summary>
        protected abstract IEnumerable<string> Summary(ExecutionInfo execution, string markdown);

        private static string StepTitle(LogEntry entry) =>
            string.IsNullOrEmpty(entry.Step) ? entry.Text : $"Step '{entry.Step}'" + (entry.Attempt > 1 ? $" (run {entry.Attempt})" : "");
    }
}
