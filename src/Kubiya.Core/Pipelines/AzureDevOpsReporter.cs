using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Kubiya.Core.Executions;

namespace Kubiya.Core.Pipelines
{
    /// <summary>
    /// Azure Pipelines logging commands: <c>##[group]</c>, <c>##vso[task.logissue]</c>,
    /// <c>##vso[task.setvariable ...;isOutput=true]</c> and <c>##vso[task.uploadsummary]</c>.
    /// </summary>
    public sealed class AzureDevOpsReporter : CiReporter
    {
        /// <summary>Creates a reporter reading <paramref name="getVariable"/> (AGENT_TEMPDIRECTORY for the summary file).</summary>
        public AzureDevOpsReporter(Func<string, string?> getVariable) : base(getVariable) { }

        /// <inheritdoc />
        protected override string BeginGroup(string title) => "##[group]" + Data(title);

        /// <inheritdoc />
        protected override string EndGroup() => "##[endgroup]";

        /// <inheritdoc />
        protected override string Error(string message) => "##vso[task.logissue type=error]" + Data(message);

        /// <inheritdoc />
        protected override IEnumerable<string> Outputs(ExecutionInfo execution)
        {
            yield return $"##vso[task.setvariable variable={IdVariable};isOutput=true]{Data(execution.Id)}";
            yield return $"##vso[task.setvariable variable={StatusVariable};isOutput=true]{Data(execution.Status.ToString())}";
        }

        /// <inheritdoc />
        protected override IEnumerable<string> Summary(ExecutionInfo execution, string markdown)
        {
            // The agent attaches a Markdown file to the run's Extensions tab; it must outlive this step.
            var dir = GetVariable("AGENT_TEMPDIRECTORY");
            if (string.IsNullOrEmpty(dir) || !Directory.Exists(dir)) yield break;
            var path = Path.Combine(dir, $"kubiya-{execution.Id}.md");
            File.WriteAllText(path, markdown, new UTF8Encoding(false));
            yield return "##vso[task.uploadsummary]" + Data(path);
        }

        /// <summary>Escapes a logging command's data so a line break or '%' cannot end or forge a command.</summary>
        public static string Data(string value) =>
            value.Replace("%", "%AZP25").Replace("\r", "%0D").Replace("\n", "%0A");
    }
}
