using System.IO;
using System.Management.Automation;
using Kubiya.Core.Planning;
using Kubiya.PowerShell.Completion;
using Kubiya.PowerShell.Internal;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Plans a task without running it: picks the agent or team, queue and steps, estimates, lists risks.</para>
    /// <para type="description">The plan is saved to ~/.kubiya/plans/PLAN-ID.json (and to -SavePlan) and returned; pipe it
    /// into Invoke-KubiyaExec to run it after review.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "KubiyaPlan", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(KubiyaPlan))]
    public sealed class NewKubiyaPlanCommand : KubiyaCmdlet
    {
        /// <summary>The task.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ValidateNotNullOrEmpty]
        public string Prompt { get; set; } = "";

        /// <summary>Plan to run on this queue (default: one with live workers, else local).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Queue { get; set; }

        /// <summary>Plan to run on an ephemeral worker in the session.</summary>
        [Parameter]
        public SwitchParameter Local { get; set; }

        /// <summary>Folder where project agents are found (default: the current location).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Cwd { get; set; }

        /// <summary>Environment name recorded on the execution.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Environment { get; set; }

        /// <summary>Model that plans (default KUBIYA_MODEL; none: the offline ranker).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ModelNameCompleter))]
        public string? Model { get; set; }

        /// <summary>Also write the plan to this file.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? SavePlan { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var lookup = Cwd != null ? ResolveDirectory(Cwd) : CurrentDirectory;
            if (!Directory.Exists(lookup))
            {
                WriteError(ErrorRecords.Create("WorkingDirectoryNotFound", ErrorCategory.ObjectNotFound, $"Working directory '{lookup}' does not exist.", Cwd));
                return;
            }
            var savePath = SavePlan != null ? ResolveDirectory(SavePlan) : null;
            TryRun(() =>
            {
                var flow = new PlanFlow(Runtime, lookup, PlanningModels.GatewayFor(Runtime.Settings, Model, null));
                var request = new PlanningRequest { Prompt = Prompt, Queue = Queue, Local = Local, Environment = Environment, Model = Model };
                var plan = Run((pump, ct) =>
                {
                    pump.Post(() => WriteProgress(new ProgressRecord(1, "New-KubiyaPlan", "Ranking agents and reading history") { PercentComplete = -1 }));
                    return flow.Planner().PlanAsync(request, w => pump.Post(() => WriteWarning(w)), ct);
                });
                WriteProgress(new ProgressRecord(1, "New-KubiyaPlan", "Done") { RecordType = ProgressRecordType.Completed });
                if (ShouldProcess(flow.Store.PathOf(plan.PlanId), $"Save plan {plan.PlanId} ({plan.Recommended.Name})"))
                    flow.Store.Save(plan, savePath);
                WriteObject(plan);
            }, Prompt);
        }
    }
}
