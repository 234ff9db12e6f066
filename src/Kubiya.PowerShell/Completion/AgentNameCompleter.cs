using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Kubiya.PowerShell.Completion
{
    /// <summary>Completes -Agent with the agents seen from the command's folder (built-ins, home and project catalogues).</summary>
    public sealed class AgentNameCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var source = CompletionResults.Source();
            if (source == null) return Enumerable.Empty<CompletionResult>();
            return CompletionResults.From(source.Agents(CompletionResults.WorkingDirectory(fakeBoundParameters), CompletionResults.Prefix(wordToComplete), teams: false));
        }
    }
}
