using System.IO;
using System.Management.Automation;
using Kubiya.Core.Messages;
using Kubiya.Core.Executions;
using Kubiya.Core.Errors;
using Kubiya.Core.Logs;
using Kubiya.Core.Progress;
using Kubiya.PowerShell.Completion;
using Kubiya.PowerShell.Internal;
using Kubiya.PowerShell.Jobs;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Runs a task with an agent or team as a durable execution.</para>
    /// <para type="description">Direct mode: the named agent (or team) runs the prompt. With -Local an ephemeral
    /// worker runs it in this session and is removed afterwards; otherwise it goes to -Queue. Output streams to
    /// the Information stream as it happens; the execution object is returned, and a failed execution also
    /// writes an error so -ErrorAction Stop fails a pipeline step.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "KubiyaExec", DefaultParameterSetName = AgentSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(ExecutionInfo))]
    [OutputType(typeof(Kubiya.Core.Planning.KubiyaPlan))]
    [OutputType(typeof(KubiyaExecJob))]
    public sealed class InvokeKubiyaExecCommand : KubiyaCmdlet
    {
        private const string AgentSet = "Agent";
        private const string TeamSet = "Team";
        private const string PlanSet = "Plan";
        private const string AgentObjectSet = "AgentObject";

        /// <summary>The task (the command itself for the shell and powershell agents).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = AgentSet)]
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = TeamSet)]
        [Parameter(Position = 0, ParameterSetName = AgentObjectSet)]
        [ValidateNotNullOrEmpty]
        public string Prompt { get; set; } = "";

        /// <summary>
        /// An agent or team from Get-KubiyaAgent, piped: it runs as -Agent NAME, or -Team NAME for a
        /// team. Typed by PowerShell type name so that strings still bind to -Prompt and plans to -PlanFile.
        /// </summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = AgentObjectSet, DontShow = true)]
        [PSTypeName("Kubiya.Core.Agents.AgentDefinition")]
        public PSObject? InputAgent { get; set; }

        /// <summary>A plan to run: a saved plan id (a piped plan binds its PlanId), a path, an https URL or owner/repo/path[@ref].</summary>
        [Parameter(Mandatory = true, ParameterSetName = PlanSet, ValueFromPipelineByPropertyName = true)]
        [Alias("PlanId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(PlanIdCompleter))]
        public string? PlanFile { get; set; }

        /// <summary>Also write the plan to this file.</summary>
        [Parameter(ParameterSetName = AgentSet)]
        [Parameter(ParameterSetName = PlanSet)]
        [ValidateNotNullOrEmpty]
        public string? SavePlan { get; set; }

        /// <summary>Agent to run.</summary>
        [Parameter(ParameterSetName = AgentSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AgentNameCompleter))]
        public string? Agent { get; set; }

        /// <summary>Team to run.</summary>
        [Parameter(Mandatory = true, ParameterSetName = TeamSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TeamNameCompleter))]
        public string? Team { get; set; }

        /// <summary>Run on an ephemeral worker in this session.</summary>
        [Parameter]
        public SwitchParameter Local { get; set; }

        /// <summary>Working directory of the steps (default with -Local: the current location).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Cwd { get; set; }

        /// <summary>Queue to send it to (default: QUEUE_ID / config).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(QueueCompleter))]
        public string? Queue { get; set; }

        /// <summary>Priority: low, medium (default), high or critical.</summary>
        /// <remarks>A string, not the runtime's enum: public cmdlet types must not hold runtime value
        /// types, which PowerShell would load before the dependency resolver is installed.</remarks>
        [Parameter]
        [ValidateSet("low", "medium", "high", "critical", IgnoreCase = true)]
        public string Priority { get; set; } = "medium";

        /// <summary>Execution whose context this one continues.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ExecutionIdCompleter))]
        public string? ParentExecution { get; set; }

        /// <summary>Do not wait for approvals: answer them yes.</summary>
        [Parameter]
        public SwitchParameter Yes { get; set; }

        /// <summary>
        /// Seconds to wait for an answer from elsewhere (Send-KubiyaExecutionInput) when an approval
        /// cannot be asked here (non-interactive). Without it such a -Local run fails at once.
        /// </summary>
        [Parameter]
        [ValidateRange(1, 7 * 24 * 3600)]
        public int ApprovalTimeout { get; set; }

        /// <summary>Return as soon as it is submitted.</summary>
        [Parameter]
        public SwitchParameter NoWait { get; set; }

        /// <summary>Environment name recorded on the execution.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Environment { get; set; }

        /// <summary>Model for llm agents (a models.yaml model_name), overriding the agent's and KUBIYA_MODEL.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ModelNameCompleter))]
        public string? Model { get; set; }

        /// <summary>Model configuration (LiteLLM model_list YAML) for the -Local worker.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ModelConfig { get; set; }

        /// <summary>Run the tools an llm agent lists under 'approve:' without asking (-Yes does not).</summary>
        [Parameter]
        public SwitchParameter ApproveTools { get; set; }

        /// <summary>CI annotations: Auto detects Azure DevOps (TF_BUILD) and GitHub Actions (GITHUB_ACTIONS).</summary>
        /// <remarks>A string, not Core's CiMode: a value-type field of a Core type would load Kubiya.Core
        /// while PowerShell scans this assembly, before the module's resolver is installed.</remarks>
        [Parameter]
        [ValidateSet("Auto", "None", "AzureDevOps", "GitHub", IgnoreCase = true)]
        public string CIMode { get; set; } = "Auto";

        /// <summary>Run in the background: returns a job whose output is the finished execution; Stop-Job cancels it.</summary>
        [Parameter(ParameterSetName = AgentSet)]
        [Parameter(ParameterSetName = TeamSet)]
        [Parameter(ParameterSetName = AgentObjectSet)]
        public SwitchParameter AsJob { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (InputAgent != null && !TakePipedAgent(InputAgent)) return;
            string? cwd = null;
            if (Cwd != null)
            {
                cwd = ResolveDirectory(Cwd);
                if (!Directory.Exists(cwd))
                {
                    WriteError(ErrorRecords.Create("WorkingDirectoryNotFound", ErrorCategory.ObjectNotFound, $"Working directory '{cwd}' does not exist.", Cwd));
                    return;
                }
            }
            var request = new ExecutionRequest
            {
                Prompt = PlanFile != null ? "" : Prompt,
                Agent = Agent,
                Team = Team,
                Local = Local,
                WorkingDirectory = cwd,
                Queue = Queue,
                Priority = ExecutionMapper.ParsePriority(Priority),
                ParentExecutionId = ParentExecution,
                AutoApprove = Yes,
                ApprovalTimeout = MyInvocation.BoundParameters.ContainsKey(nameof(ApprovalTimeout)) ? System.TimeSpan.FromSeconds(ApprovalTimeout) : (System.TimeSpan?)null,
                NoWait = NoWait,
                Environment = Environment,
                Model = Model,
                ModelConfigPath = ModelConfig != null ? ResolveDirectory(ModelConfig) : null,
                ApproveTools = ApproveTools,
            };
            var lookup = cwd ?? CurrentDirectory;
            if (AsJob && (NoWait || (Agent == null && Team == null)))
            {
                WriteError(NoWait
                    ? ErrorRecords.Create("AsJobNoWait", ErrorCategory.InvalidArgument, "-AsJob and -NoWait exclude each other: -NoWait returns once submitted, a job follows the execution to its end.", Prompt)
                    : ErrorRecords.Create("AsJobNeedsAgent", ErrorCategory.InvalidArgument, "-AsJob runs a named agent or team: add -Agent NAME or -Team NAME (planning shows its plan and asks before it runs, which a job cannot).", Prompt));
                return;
            }
            if (PlanFile != null || (Agent == null && Team == null))
            {
                // No agent named: plan, show, approve, run (Core.Planning via PlannedExec).
                TryRun(() => new PlannedExec(this, lookup, Model, request.ModelConfigPath)
                    .Run(request, PlanFile, SavePlan != null ? ResolveDirectory(SavePlan) : null, Yes, MyInvocation.BoundParameters.ContainsKey("Confirm"),
                        WriteLogEntry, Ask, WriteOutcome), PlanFile ?? Prompt);
                return;
            }
            // Direct mode: -WhatIf / -Confirm decide before anything is submitted, on what would run.
            if (!ShouldRun(request, lookup)) return;
            if (AsJob)
            {
                TryRun(() => WriteObject(StartJob(request, lookup)), Prompt);
                return;
            }
            TryRun(() =>
            {
                var launcher = new JobWorkerLauncher(this);
                var ci = new CiAnnotations(this, CIMode);
                var progress = new ExecProgressTracker();
                var activityId = ProgressRecords.NewActivityId();
                WriteProgress(new ProgressRecord(activityId, $"Invoke-KubiyaExec {Agent ?? "-Team " + Team}",
                    Local ? "starting a local worker" : $"submitting to queue '{Queue ?? Runtime.Settings.Queue}'"));
                var info = Run((pump, ct) =>
                {
                    var observer = new ExecObserver
                    {
                        Submitted = e => pump.Post(() =>
                        {
                            WriteVerbose($"Submitted execution {e.Id} to queue {e.Queue}.");
                            WriteProgress(ProgressRecords.From(activityId, progress.Start(e)));
                        }),
                        Log = e => pump.Post(() =>
                        {
                            ci.Around(e, WriteLogEntry);
                            if (progress.OnEntry(e) is { } p) WriteProgress(ProgressRecords.From(activityId, p));
                        }),
                        Warning = w => pump.Post(() => WriteWarning(FrontText.Render(w, KubiyaFront.PowerShell))),
                        Answer = (question, _) => Ask(pump, question),
                    };
                    var running = Runtime.Exec.RunAsync(request, lookup, observer, launcher, ct);
                    _ = ProgressRecords.RepeatUntil(running, () => pump.Post(() =>
                    {
                        if (!ct.IsCancellationRequested && progress.Current is { Completed: false } p) WriteProgress(ProgressRecords.From(activityId, p));
                    }));
                    return running;
                });
                if (progress.Current is { Completed: false }) WriteProgress(ProgressRecords.From(activityId, progress.Finish(info.Status.ToString())));
                ci.Finished(info);
                WriteOutcome(info);
            }, Prompt);
        }

        /// <summary>
        /// A piped agent runs as -Agent, a piped team as -Team. It carries no task, so the prompt is
        /// required: an agent without one is an error for that object, not a run of nothing.
        /// </summary>
        private bool TakePipedAgent(PSObject piped)
        {
            var name = piped.Properties["Name"]?.Value as string;
            var isTeam = string.Equals(piped.Properties["Kind"]?.Value as string, "team", System.StringComparison.OrdinalIgnoreCase);
            Agent = isTeam ? null : name;
            Team = isTeam ? name : null;
            if (string.IsNullOrEmpty(name))
            {
                WriteError(ErrorRecords.Create("AgentNameMissing", ErrorCategory.InvalidArgument, "The piped agent has no name.", piped));
                return false;
            }
            if (string.IsNullOrEmpty(Prompt))
            {
                WriteError(ErrorRecords.Create("PromptRequired", ErrorCategory.InvalidArgument,
                    $"No task for {(isTeam ? "team" : "agent")} '{name}': give the prompt with the pipe, e.g. Get-KubiyaAgent {name} | Invoke-KubiyaExec 'TASK'.", name));
                return false;
            }
            return true;
        }

        /// <summary>
        /// ShouldProcess on the preview of what would run: -WhatIf prints the agent, its steps (or
        /// model and tools) and the queue; -Confirm asks with the same text.
        /// </summary>
        private bool ShouldRun(ExecutionRequest request, string lookup)
        {
            var target = $"{(Agent != null ? "agent '" + Agent + "'" : "team '" + Team + "'")} on {(Local ? "a local worker" : "queue '" + (Queue ?? Runtime.Settings.Queue ?? "?") + "'")}";
            if (!WillPreview()) return ShouldProcess(target, "Run");
            ExecPreview? preview = null;
            if (!TryRun(() => preview = Run((pump, ct) => Runtime.Exec.PreviewAsync(request, lookup, w => pump.Post(() => WriteWarning(w)), ct)), Prompt)) return false;
            var text = preview!.ToString();
            return ShouldProcess(text, text + "\nRun it?", "Invoke-KubiyaExec");
        }

        // -WhatIf or a confirmation prompt will show the ShouldProcess text: only then is the preview worth its lookups.
        private bool WillPreview()
        {
            if (MyInvocation.BoundParameters.ContainsKey("WhatIf") || MyInvocation.BoundParameters.ContainsKey("Confirm")) return true;
            if (LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference", false))) return true;
            return GetVariableValue("ConfirmPreference", ConfirmImpact.High) is ConfirmImpact c && c != ConfirmImpact.None && c <= ConfirmImpact.Medium;
        }

        private KubiyaExecJob StartJob(ExecutionRequest request, string lookup)
        {
            // Captured here, on the pipeline thread: the job's -Local worker is a job of this session too.
            var launcher = new JobWorkerLauncher(this);
            var runtime = Runtime;
            var what = Agent != null ? "-Agent " + Agent : "-Team " + Team;
            var shortPrompt = Prompt.Length <= 40 ? Prompt : Prompt.Substring(0, 37) + "...";
            return ExecJobs.Start(this, $"Invoke-KubiyaExec {what} '{shortPrompt.Replace("'", "''")}'{(Local ? " -Local" : "")}", $"KubiyaExec:{Agent ?? Team}",
                (observer, ct) => runtime.Exec.RunAsync(request, lookup, observer, launcher, ct),
                async (id, ct) => await (await runtime.ExecutionsAsync(ct).ConfigureAwait(false)).CancelAsync(id, ct).ConfigureAwait(false));
        }

        private void WriteOutcome(ExecutionInfo info)
        {
            WriteExecution(info);
            if (info.Status == ExecutionStatus.WaitingForInput)
                WriteError(ErrorRecords.Create("ApprovalRequired", ErrorCategory.OperationStopped,
                    $"Execution {info.Id} waits for an answer ('{info.Question}') that nobody gave here; it stays WaitingForInput. Answer with: Send-KubiyaExecutionInput -Id {info.Id} -Answer yes", info.Id));
        }

        /// <summary>
        /// Asks the user on the host (PromptForChoice) on the pipeline thread; null when the host
        /// cannot ask (pwsh -NonInteractive, a host without a UI, KUBIYA_NON_INTERACTIVE).
        /// </summary>
        internal System.Threading.Tasks.Task<string?> Ask(PipelinePump pump, LogEntry question)
        {
            var answer = new System.Threading.Tasks.TaskCompletionSource<string?>(System.Threading.Tasks.TaskCreationOptions.RunContinuationsAsynchronously);
            pump.Post(() =>
            {
                var given = Runtime.Settings.NonInteractive ? null : AskOnHost(question);
                if (given == null)
                    WriteWarning($"Execution {question.ExecutionId} waits for input: {question.Text}. Not prompting (non-interactive); answer with: Send-KubiyaExecutionInput -Id {question.ExecutionId} -Answer yes");
                answer.TrySetResult(given);
            });
            return answer.Task;
        }

        private string? AskOnHost(LogEntry question)
        {
            var choices = new System.Collections.ObjectModel.Collection<System.Management.Automation.Host.ChoiceDescription>
            {
                new System.Management.Automation.Host.ChoiceDescription("&Yes", "Approve: the execution goes on."),
                new System.Management.Automation.Host.ChoiceDescription("&No", "Reject: the execution fails."),
            };
            try
            {
                var choice = Host.UI.PromptForChoice($"Execution {question.ExecutionId}", question.Text, choices, 1);
                return choice == 0 ? "yes" : "no";
            }
            catch (System.Exception ex) when (ex is PSInvalidOperationException || ex is System.Management.Automation.Host.HostException || ex is System.NotImplementedException || ex is System.NullReferenceException)
            {
                // Not interactive.
                return null;
            }
        }

        private void WriteLogEntry(LogEntry e)
        {
            // PSHOST shows it like Write-Host while keeping it in the Information stream (6>).
            WriteInformation(new HostInformationMessage { Message = e.ToString(), NoNewLine = false }, new[] { "PSHOST", "Kubiya", e.Kind.ToString() });
        }
    }
}
