using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Runtime.CompilerServices;
using System.Threading;
using Kubiya.Core.Executions;

namespace Kubiya.PowerShell.Completion
{
    /// <summary>Which executions an id completer offers.</summary>
    internal enum ExecutionIdScope
    {
        /// <summary>Every recent execution.</summary>
        All,
        /// <summary>Those that have not finished.</summary>
        Active,
        /// <summary>Those waiting for an answer.</summary>
        Waiting,
    }

    /// <summary>Completes -Id with recent execution ids, newest first; the tooltip gives status, agent, time and prompt.</summary>
    /// <remarks>
    /// No member signature names a Kubiya.Core type: PowerShell loads these public types while it
    /// imports the module, before the resolver that finds Kubiya.Core is installed.
    /// </remarks>
    public class ExecutionIdCompleter : IArgumentCompleter
    {
        private readonly ExecutionIdScope scope;

        /// <summary>Offers every recent execution.</summary>
        public ExecutionIdCompleter() : this(ExecutionIdScope.All) { }

        private protected ExecutionIdCompleter(ExecutionIdScope scope) => this.scope = scope;

        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Complete(wordToComplete);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private IEnumerable<CompletionResult> Complete(string wordToComplete)
        {
            var source = CompletionResults.Source();
            if (source == null) return Enumerable.Empty<CompletionResult>();
            var candidates = source.ExecutionIdsAsync(CompletionResults.Prefix(wordToComplete), Statuses(scope), CancellationToken.None).GetAwaiter().GetResult();
            return CompletionResults.From(candidates);
        }

        private static string[]? Statuses(ExecutionIdScope scope) => scope switch
        {
            ExecutionIdScope.Active => new[] { ExecutionStatus.Pending, ExecutionStatus.Running, ExecutionStatus.WaitingForInput },
            ExecutionIdScope.Waiting => new[] { ExecutionStatus.WaitingForInput },
            _ => null,
        };
    }

    /// <summary>Completes -Id with executions that have not finished (what Stop-KubiyaExecution can stop).</summary>
    public sealed class ActiveExecutionIdCompleter : ExecutionIdCompleter
    {
        /// <summary>Offers unfinished executions.</summary>
        public ActiveExecutionIdCompleter() : base(ExecutionIdScope.Active) { }
    }

    /// <summary>Completes -Id with executions waiting for an answer (what Send-KubiyaExecutionInput answers).</summary>
    public sealed class WaitingExecutionIdCompleter : ExecutionIdCompleter
    {
        /// <summary>Offers executions waiting for input.</summary>
        public WaitingExecutionIdCompleter() : base(ExecutionIdScope.Waiting) { }
    }
}
