using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using Kubiya.PowerShell.Jobs;

namespace Kubiya.PowerShell.Completion
{
    /// <summary>
    /// Completes -Queue / -QueueId with this session's worker queues, the queues this machine has
    /// run workers for (~/.kubiya/workers) and those recent executions went to.
    /// </summary>
    public sealed class QueueCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var source = CompletionResults.Source();
            if (source == null) return Enumerable.Empty<CompletionResult>();
            var live = KubiyaWorkerJobSourceAdapter.Current
                .Where(j => j.JobStateInfo.State == JobState.Running)
                .Select(j => j.QueueId).ToList();
            var candidates = source.QueuesAsync(CompletionResults.Prefix(wordToComplete), live, CancellationToken.None).GetAwaiter().GetResult();
            return CompletionResults.From(candidates);
        }
    }
}
