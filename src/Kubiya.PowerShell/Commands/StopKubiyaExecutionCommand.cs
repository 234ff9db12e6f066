using System.Management.Automation;
using Kubiya.Core.Executions;
using Kubiya.PowerShell.Completion;
using Kubiya.PowerShell.Internal;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Cancels executions; the running step is killed and the execution ends Cancelled.</para>
    /// <para type="description">A cancel is carried out by the worker that serves the execution: it kills the step's
    /// processes and records Cancelled. -Terminate ends the execution at once without a worker, for a run that no
    /// worker will ever serve again (a local run whose session died, a queue nobody polls); it asks first unless
    /// -Force is given.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Stop, "KubiyaExecution", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(ExecutionInfo))]
    public sealed class StopKubiyaExecutionCommand : KubiyaCmdlet
    {
        /// <summary>Execution id.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [Alias("ExecutionId")]
        [ArgumentCompleter(typeof(ActiveExecutionIdCompleter))]
        public string[] Id { get; set; } = new string[0];

        /// <summary>Wait until it has ended (and its step's processes are gone) and return it.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        /// <summary>Return the execution.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>End it at once without its worker instead of cancelling it.</summary>
        [Parameter]
        public SwitchParameter Terminate { get; set; }

        /// <summary>Why it is terminated (recorded on the execution).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Reason { get; set; }

        /// <summary>Do not ask before terminating.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            foreach (var id in Id)
            {
                if (!ShouldProcess(id, Terminate ? "Terminate execution" : "Cancel execution")) continue;
                if (Terminate && !Force && !ShouldContinue(
                        $"Terminate execution {id}? It ends at once without its worker; a step running on a live worker stops at that worker's next heartbeat.",
                        "Terminate execution"))
                    continue;
                TryRun(() =>
                {
                    var info = Run(async (pump, ct) =>
                    {
                        var service = await Runtime.ExecutionsAsync(ct).ConfigureAwait(false);
                        var whole = await service.ResolveIdAsync(id, ct).ConfigureAwait(false);
                        var before = Terminate
                            ? await service.TerminateAsync(whole, Reason ?? $"Terminated by {System.Environment.UserName}@{System.Environment.MachineName}", ct).ConfigureAwait(false)
                            : await service.CancelAsync(whole, ct).ConfigureAwait(false);
                        return Wait || Terminate ? await service.WaitAsync(whole, null, null, ct).ConfigureAwait(false) : before;
                    });
                    if (PassThru || Wait) WriteObject(info);
                }, id);
            }
        }
    }
}
