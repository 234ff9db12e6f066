using System.Linq;
using System.Management.Automation;
using Kubiya.PowerShell.Completion;
using Kubiya.Core.Agents;
using Kubiya.PowerShell.Internal;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the agents and teams available here: built-ins, ~/.kubiya/agents and ./.kubiya/agents.</para>
    /// <para type="description">Each agent file that cannot be read writes an error naming the file, line and field.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "KubiyaAgent")]
    [OutputType(typeof(AgentDefinition))]
    public sealed class GetKubiyaAgentCommand : KubiyaCmdlet
    {
        /// <summary>Names (wildcards allowed).</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(AgentOrTeamNameCompleter))]
        public string[]? Name { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                var catalog = Runtime.Agents(CurrentDirectory);
                foreach (var error in catalog.Errors) WriteError(ErrorRecords.From(error, error.Target));
                foreach (var warning in catalog.Warnings) WriteWarning(warning);
                var patterns = (Name ?? new[] { "*" }).Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
                foreach (var agent in catalog.Agents.Where(a => patterns.Any(p => p.IsMatch(a.Name)))) WriteObject(agent);
                foreach (var n in (Name ?? new string[0]).Where(n => !WildcardPattern.ContainsWildcardCharacters(n)))
                    if (!catalog.Agents.Any(a => string.Equals(a.Name, n, System.StringComparison.OrdinalIgnoreCase)))
                        WriteError(ErrorRecords.Create("AgentNotFound", ErrorCategory.ObjectNotFound, $"No agent named '{n}'.", n));
            }, null);
        }
    }
}
