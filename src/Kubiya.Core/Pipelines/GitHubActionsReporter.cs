using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Kubiya.Core.Executions;

namespace Kubiya.Core.Pipelines
{
    /// <summary>
    /// GitHub Actions workflow commands (<c>::group::</c>, <c>::endgroup::</c>, <c>::error::</c>),
    /// step outputs appended to <c>$GITHUB_OUTPUT</c> and the job summary to <c>$GITHUB_STEP_SUMMARY</c>.
    /// </summary>
    public sealed class GitHubActionsReporter : CiReporter
    {
        /// <summary>Creates a reporter reading <paramref name="getVariable"/> (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY).</summary>
        public GitHubActionsReporter(Func<string, string?> getVariable) : base(getVariable) { }

        /// <inheritdoc />
        protected override string BeginGroup(string title) => "::group::" + Data(title);

        /// <inheritdoc />
        protected override string EndGroup() => "::endgroup::";

        /// <inheritdoc />
        protected override string Error(string message) => "::error title=Kubiya::" + Data(message);

        /// <inheritdoc />
        protected override IEnumerable<string> Outputs(ExecutionInfo execution)
        {
            var file = GetVariable("GITHUB_OUTPUT");
            if (string.IsNullOrEmpty(file)) yield break;
            // Ids and statuses are single-line, so the simple name=value form is safe.
            Append(file!, $"{IdVariable}={execution.Id}\n{StatusVariable}={execution.Status}\n");
        }

        /// <inheritdoc />
        protected override IEnumerable<string> Summary(ExecutionInfo execution, string markdown)
        {
            var file = GetVariable("GITHUB_STEP_SUMMARY");
            if (string.IsNullOrEmpty(file)) yield break;
            Append(file!, markdown);
        }

        /// <summary>Escapes a workflow command's message ('%', CR and LF) so it stays one command.</summary>
        public static string Data(string value) =>
            value.Replace("%", "%25").Replace("\r", "%0D").Replace("\n", "%0A");

        private static void Append(string path, string text) =>
            File.AppendAllText(path, text, new UTF8Encoding(false));
    }
}
