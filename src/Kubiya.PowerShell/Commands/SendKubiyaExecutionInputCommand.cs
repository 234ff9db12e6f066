using System;
using System.Management.Automation;
using Kubiya.Core.Executions;
using Kubiya.PowerShell.Completion;
using Kubiya.PowerShell.Internal;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Answers the question or approval an execution waits on.</para>
    /// <para type="description">For approvals, yes / y / approve continue the execution; any other answer rejects the step.</para>
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "KubiyaExecutionInput", SupportsShouldProcess = true)]
    [OutputType(typeof(ExecutionInfo))]
    public sealed class SendKubiyaExecutionInputCommand : KubiyaCmdlet
    {
        /// <summary>Execution id.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [Alias("ExecutionId")]
        [ArgumentCompleter(typeof(WaitingExecutionIdCompleter))]
        public string Id { get; set; } = "";

        /// <summary>The answer.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [AllowEmptyString]
        public string Answer { get; set; } = "";

        /// <summary>Return the execution.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (!ShouldProcess(Id, $"Answer '{Answer}'")) return;
            TryRun(() =>
            {
                var info = Run(async (pump, ct) =>
                {
                    var service = await Runtime.ExecutionsAsync(ct).ConfigureAwait(false);
                    var id = await service.ResolveIdAsync(Id, ct).ConfigureAwait(false);
                    var before = await service.SendInputAsync(id, Answer, ct).ConfigureAwait(false);
                    // -PassThru returns the state after the answer, not the WaitingForInput it was sent to.
                    return PassThru ? await service.ReadAfterAnswerAsync(id, TimeSpan.FromSeconds(10), ct).ConfigureAwait(false) : before;
                });
                if (PassThru) WriteObject(info);
            }, Id);
        }
    }
}
