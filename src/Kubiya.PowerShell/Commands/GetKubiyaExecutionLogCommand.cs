using System.Management.Automation;
using Kubiya.Core.Logs;
using Kubiya.PowerShell.Completion;
using Kubiya.PowerShell.Internal;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets an execution's log: output lines, step starts and ends, questions and the result.</para>
    /// <para type="description">The log is read from the execution's durable history, so it works from any machine
    /// and after the worker is gone. -Follow keeps writing new entries until the execution ends.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "KubiyaExecutionLog")]
    [OutputType(typeof(LogEntry))]
    public sealed class GetKubiyaExecutionLogCommand : KubiyaCmdlet
    {
        /// <summary>Execution id.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [Alias("ExecutionId")]
        [ArgumentCompleter(typeof(ExecutionIdCompleter))]
        public string Id { get; set; } = "";

        /// <summary>Keep following until the execution ends.</summary>
        [Parameter]
        public SwitchParameter Follow { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            TryRun(() => Run(async (pump, ct) =>
            {
                // A short id (as kubiya execution list shows ids on a terminal) is resolved first.
                var id = await (await Runtime.ExecutionsAsync(ct).ConfigureAwait(false)).ResolveIdAsync(Id, ct).ConfigureAwait(false);
                var reader = await Runtime.LogsAsync(ct).ConfigureAwait(false);
                await reader.ReadAsync(id, Follow, e => pump.Post(() => WriteObject(e)), ct).ConfigureAwait(false);
                return true;
            }), Id);
        }
    }
}
