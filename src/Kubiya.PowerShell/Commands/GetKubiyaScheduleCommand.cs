using System;
using System.Linq;
using System.Management.Automation;
using Kubiya.PowerShell.Completion;
using Kubiya.Core.Errors;
using Kubiya.Core.Schedules;
using Kubiya.PowerShell.Internal;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets schedules by name (wildcards allowed), or all of them.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "KubiyaSchedule")]
    [OutputType(typeof(ScheduleInfo))]
    public sealed class GetKubiyaScheduleCommand : KubiyaCmdlet
    {
        /// <summary>Schedule names or wildcard patterns.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ScheduleNameCompleter))]
        public string[]? Name { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var names = Name ?? new[] { "*" };
            if (names.All(n => !WildcardPattern.ContainsWildcardCharacters(n)))
            {
                foreach (var name in names)
                    TryRun(() => WriteObject(Run(async (pump, ct) =>
                        await (await Runtime.SchedulesAsync(ct).ConfigureAwait(false)).GetAsync(name, ct).ConfigureAwait(false))), name);
                return;
            }
            TryRun(() =>
            {
                var all = Run(async (pump, ct) => await (await Runtime.SchedulesAsync(ct).ConfigureAwait(false)).ListAsync(ct).ConfigureAwait(false));
                foreach (var name in names)
                {
                    var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                    var hits = all.Where(s => pattern.IsMatch(s.Name)).ToList();
                    if (hits.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                        WriteError(ErrorRecords.From(new KubiyaException(KubiyaErrorKind.NotFound, "ScheduleNotFound", $"No schedule named '{name}'.", name), name));
                    foreach (var s in hits) WriteObject(s);
                }
            }, null);
        }
    }
}
