using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Kubiya.PowerShell.Completion
{
    /// <summary>
    /// Completes -Model with the model names of the model list: the -ModelConfig file typed on the
    /// same command (relative to the session's folder), else ~/.kubiya/models.yaml.
    /// </summary>
    public sealed class ModelNameCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var source = CompletionResults.Source();
            if (source == null) return Enumerable.Empty<CompletionResult>();
            string? file = null;
            if (fakeBoundParameters != null && fakeBoundParameters.Contains("ModelConfig") && fakeBoundParameters["ModelConfig"] is string typed && typed.Length > 0)
                file = System.IO.Path.Combine(CompletionResults.WorkingDirectory(null!), typed.Trim('\'', '"'));
            return CompletionResults.From(source.Models(file, CompletionResults.Prefix(wordToComplete)));
        }
    }
}
