using System.Management.Automation;
using Kubiya.Core.Executions;
using Kubiya.PowerShell.Internal;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Cancels executions; the running step is killed and the execution ends Cancelled.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Stop, "KubiyaExecution", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(ExecutionInfo))]
    public sealed class StopKubiyaExecutionCommand : KubiyaCmdlet
    {
        /// <summary>Execution id.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [Alias("ExecutionId")]
        public string[] Id { get; set; } = new string[0];

        /// <summary>Wait until it has ended and return it.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        /// <summary>Return the execution.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            foreach (var id in Id)
            {
                if (!ShouldProcess(id, "Cancel execution")) continue;
                TryRun(() =>
                {
                    var info = Run(async (pump, ct) =>
                    {
                        var service = await Runtime.ExecutionsAsync(ct).ConfigureAwait(false);
                        var before = await service.CancelAsync(id, ct).ConfigureAwait(false);
                        return Wait ? await service.WaitAsync(id, null, null, ct).ConfigureAwait(false) : before;
                    });
                    if (PassThru || Wait) WriteObject(info);
                }, id);
            }
        }
    }
}
