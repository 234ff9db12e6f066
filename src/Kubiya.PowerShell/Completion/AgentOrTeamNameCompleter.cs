using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Kubiya.PowerShell.Completion
{
    /// <summary>Completes a name that may be an agent's or a team's (Get-KubiyaAgent -Name): agents first, then teams.</summary>
    public sealed class AgentOrTeamNameCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var source = CompletionResults.Source();
            if (source == null) return Enumerable.Empty<CompletionResult>();
            var folder = CompletionResults.WorkingDirectory(fakeBoundParameters);
            var prefix = CompletionResults.Prefix(wordToComplete);
            return CompletionResults.From(source.Agents(folder, prefix, teams: false).Concat(source.Agents(folder, prefix, teams: true)).ToList());
        }
    }
}
