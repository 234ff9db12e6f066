using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Kubiya.PowerShell.Internal
{
    /// <summary>Completes saved plan ids from ~/.kubiya/plans (file names only: fast, no parsing).</summary>
    public sealed class PlanIdCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var home = System.Environment.GetEnvironmentVariable("KUBIYA_HOME");
            if (string.IsNullOrWhiteSpace(home))
                home = Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".kubiya");
            var dir = Path.Combine(home!, "plans");
            if (!Directory.Exists(dir)) return Enumerable.Empty<CompletionResult>();
            var pattern = new WildcardPattern((wordToComplete ?? "") + "*", WildcardOptions.IgnoreCase);
            return Directory.GetFiles(dir, "plan-*.json")
                .Select(f => Path.GetFileNameWithoutExtension(f))
                .Where(id => pattern.IsMatch(id))
                .OrderBy(id => id)
                .Select(id => new CompletionResult(id, id, CompletionResultType.ParameterValue, id))
                .ToList();
        }
    }
}
