using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;

namespace Kubiya.PowerShell.Completion
{
    /// <summary>Completes a schedule's name (-Name of the schedule cmdlets, -Schedule) with the schedules on the server.</summary>
    public sealed class ScheduleNameCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var source = CompletionResults.Source();
            if (source == null) return Enumerable.Empty<CompletionResult>();
            return CompletionResults.From(source.SchedulesAsync(CompletionResults.Prefix(wordToComplete), CancellationToken.None).GetAwaiter().GetResult());
        }
    }
}
