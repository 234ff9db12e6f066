using System;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Host;
using Kubiya.Core.Messages;
using Kubiya.Core.Errors;
using Kubiya.Core.Executions;
using Kubiya.Core.Logs;
using Kubiya.Core.Planning;
using Kubiya.PowerShell.Jobs;

namespace Kubiya.PowerShell.Internal
{
    /// <summary>
    /// Invoke-KubiyaExec without -Agent/-Team, with -PlanFile, or with a piped plan: plan (or load),
    /// show the plan, approve (ShouldProcess / -Confirm, -Yes, or a prompt on an interactive host),
    /// run, and record approval and the execution in the saved plan. -WhatIf returns the plan and runs nothing.
    /// </summary>
    internal sealed class PlannedExec
    {
        private readonly KubiyaCmdlet cmdlet;
        private readonly PlanFlow flow;

        public PlannedExec(KubiyaCmdlet cmdlet, string lookupDirectory, string? model, string? modelConfig)
        {
            this.cmdlet = cmdlet;
            flow = new PlanFlow(cmdlet.Runtime, lookupDirectory, PlanningModels.GatewayFor(cmdlet.Runtime.Settings, model, modelConfig));
        }

        /// <summary>Runs the planned execution; <paramref name="source"/> is a plan id / file / URL, or null to plan <paramref name="options"/>.Prompt.</summary>
        public void Run(ExecutionRequest options, string? source, string? savePath, bool yes, bool confirmGiven, Action<LogEntry> writeLog,
            Func<PipelinePump, LogEntry, System.Threading.Tasks.Task<string?>> ask, Action<ExecutionInfo> writeOutcome)
        {
            var plan = cmdlet.Run((pump, ct) =>
            {
                if (source != null) return flow.LoadAsync(source, ct);
                pump.Post(() => cmdlet.WriteProgress(new ProgressRecord(1, "Invoke-KubiyaExec", "Planning: ranking agents and reading history") { PercentComplete = -1 }));
                return flow.Planner().PlanAsync(new PlanningRequest
                {
                    Prompt = options.Prompt,
                    Local = options.Local,
                    Queue = options.Queue,
                    Environment = options.Environment,
                    Model = options.Model,
                }, w => pump.Post(() => cmdlet.WriteWarning(w)), ct);
            });
            cmdlet.WriteProgress(new ProgressRecord(1, "Invoke-KubiyaExec", "Planned") { RecordType = ProgressRecordType.Completed });
            if (source == null && plan.CloseCandidates && !yes) plan = Choose(plan, options);
            var check = flow.Check(plan);
            Show(plan);

            var target = $"{plan.Recommended.Name} ({plan.PlanId}, {plan.Steps.Count} step(s) on {plan.Queue})";
            if (!cmdlet.ShouldProcess(target, "Run plan"))
            {
                // -WhatIf (or a "no" to -Confirm): the plan is the answer; nothing runs and nothing is saved.
                cmdlet.WriteObject(plan);
                return;
            }
            if (check.NeedsApproval && !yes && !confirmGiven && !Approve(plan, check))
            {
                flow.Store.Save(plan, savePath);
                var refused = check.ApprovalRequired(plan);
                cmdlet.WriteError(new ErrorRecord(new KubiyaException(KubiyaErrorKind.InvalidState, refused.ErrorId,
                    refused.Message.Replace("run again with -Yes (kubiya: --yes)", $"run it with: Invoke-KubiyaExec -PlanFile {plan.PlanId} -Yes"), plan.PlanId),
                    refused.ErrorId, ErrorCategory.PermissionDenied, plan));
                return;
            }
            if (check.NeedsApproval || !plan.Approved) flow.Approve(plan, check, savePath);
            var launcher = new JobWorkerLauncher(cmdlet);
            var info = cmdlet.Run((pump, ct) =>
            {
                var observer = new ExecObserver
                {
                    Submitted = e => pump.Post(() => cmdlet.WriteVerbose($"Plan {plan.PlanId}: submitted execution {e.Id} to queue {e.Queue}.")),
                    Log = e => pump.Post(() => writeLog(e)),
                    Warning = w => pump.Post(() => cmdlet.WriteWarning(FrontText.Render(w, KubiyaFront.PowerShell))),
                    Answer = (question, _) => ask(pump, question),
                };
                return flow.RunAsync(plan, options, savePath, observer, launcher, ct);
            });
            writeOutcome(info);
        }

        private void Show(KubiyaPlan plan)
        {
            foreach (var line in PlanText.Lines(plan))
                cmdlet.WriteInformation(new HostInformationMessage { Message = line }, new[] { "PSHOST", "Kubiya", "Plan" });
        }

        // Asks on an interactive host; false when nobody can answer (no UI, KUBIYA_NON_INTERACTIVE).
        private bool Approve(KubiyaPlan plan, PlanCheck check)
        {
            if (cmdlet.Runtime.Settings.NonInteractive) return false;
            try
            {
                return cmdlet.ShouldContinue($"Run plan {plan.PlanId} with '{plan.Recommended.Name}'? ({string.Join("; ", check.Reasons)})", "Approve plan");
            }
            catch (Exception ex) when (ex is HostException || ex is NotImplementedException || ex is PSInvalidOperationException || ex is NullReferenceException)
            {
                return false;
            }
        }

        private KubiyaPlan Choose(KubiyaPlan plan, ExecutionRequest options)
        {
            if (cmdlet.Runtime.Settings.NonInteractive) return plan;
            var names = new[] { plan.Recommended.Name }.Concat(plan.Alternatives.Select(a => a.Name)).ToList();
            var choices = new Collection<ChoiceDescription>(names.Select((n, i) => new ChoiceDescription($"&{i + 1} {n}", i == 0 ? plan.Recommended.Reasoning : plan.Alternatives[i - 1].Reasoning)).ToList());
            int picked;
            try
            {
                picked = cmdlet.Host.UI.PromptForChoice("Close candidates", $"Several agents fit \"{plan.Prompt}\". Which one should run?", choices, 0);
            }
            catch (Exception ex) when (ex is HostException || ex is NotImplementedException || ex is PSInvalidOperationException || ex is NullReferenceException)
            {
                cmdlet.WriteWarning($"'{plan.Alternatives[0].Name}' scores close to '{plan.Recommended.Name}'; planning took '{plan.Recommended.Name}'. Name the one you mean with -Agent.");
                return plan;
            }
            if (picked <= 0) return plan;
            return cmdlet.Run((pump, ct) => flow.Planner().ChooseAsync(plan, names[picked], new PlanningRequest { Local = plan.Queue.Local, Queue = plan.Queue.Name, Environment = options.Environment }, ct));
        }
    }
}
