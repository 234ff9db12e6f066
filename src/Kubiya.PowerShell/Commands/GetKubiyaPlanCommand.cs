using System.Linq;
using System.Management.Automation;
using Kubiya.Core.Planning;
using Kubiya.PowerShell.Internal;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets saved plans (~/.kubiya/plans), or reads one from a path, an https URL or GitHub.</para>
    /// <para type="description">Without parameters lists every saved plan, newest first. -Source reads a plan file from a path,
    /// an https URL or owner/repo/path[@ref] on GitHub (GITHUB_TOKEN when set).</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "KubiyaPlan", DefaultParameterSetName = IdSet)]
    [OutputType(typeof(KubiyaPlan))]
    public sealed class GetKubiyaPlanCommand : KubiyaCmdlet
    {
        private const string IdSet = "Id";
        private const string SourceSet = "Source";

        /// <summary>Plan ids (wildcards allowed).</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = IdSet)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(PlanIdCompleter))]
        public string[]? PlanId { get; set; }

        /// <summary>A plan file: path, https URL or owner/repo/path[@ref].</summary>
        [Parameter(Mandatory = true, ParameterSetName = SourceSet)]
        [ValidateNotNullOrEmpty]
        public string? Source { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                var store = new PlanStore(Runtime.Settings.Paths);
                if (Source != null)
                {
                    var flow = new PlanFlow(Runtime, CurrentDirectory);
                    WriteObject(Run((pump, ct) => flow.LoadAsync(Source, ct)));
                    return;
                }
                var plans = store.List(e => WriteError(ErrorRecords.From(e, e.Target)));
                var patterns = (PlanId ?? new[] { "*" }).Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
                foreach (var plan in plans.Where(p => patterns.Any(w => w.IsMatch(p.PlanId)))) WriteObject(plan);
                foreach (var id in (PlanId ?? new string[0]).Where(n => !WildcardPattern.ContainsWildcardCharacters(n)))
                    if (!plans.Any(p => string.Equals(p.PlanId, id, System.StringComparison.OrdinalIgnoreCase)))
                        WriteError(ErrorRecords.Create(PlanErrors.PlanNotFound, ErrorCategory.ObjectNotFound, $"No saved plan '{id}' in {store.Directory}.", id));
            }, Source);
        }
    }
}
