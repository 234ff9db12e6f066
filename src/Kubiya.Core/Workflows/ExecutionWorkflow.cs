using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Kubiya.Core.Activities;
using Kubiya.Core.Agents;
using Temporalio.Common;
using Temporalio.Exceptions;
using Temporalio.Workflows;

namespace Kubiya.Core.Workflows
{
    /// <summary>
    /// One execution: runs the resolved steps in order, each command as a heartbeating activity,
    /// approvals as a durable wait for the <c>input</c> signal. Product state lives in the memo so
    /// lists and describes show it without a worker; output arrives as <c>log</c> signals.
    /// </summary>
    [Workflow(WorkflowNames.Execution)]
    public sealed partial class ExecutionWorkflow
    {
        private const int OutputLimit = 256 * 1024;
        private const int MemoOutputLimit = 8 * 1024;
        private static readonly string[] YesAnswers = { "y", "yes", "approve", "approved", "ok", "true", "continue" };

        private readonly StringBuilder output = new StringBuilder();
        private readonly ExecutionOutcome outcome = new ExecutionOutcome();
        private ExecutionInput input = new ExecutionInput();
        private string? pendingAnswer;
        private bool waiting;
        private string? worker;
        private string? currentStep;

        /// <summary>Runs the execution.</summary>
        [WorkflowRun]
        public async Task<ExecutionOutcome> RunAsync(ExecutionInput input)
        {
            if (input.ResolveAtRun) input = await ResolveScheduledAsync(input);
            this.input = input;
            if (input.Llm != null) return await RunAgentLoopAsync(input);
            Workflow.UpsertMemo(
                MemoUpdate.ValueSet(MemoKeys.State, "Running"),
                MemoUpdate.ValueSet(MemoKeys.StartedAt, Workflow.UtcNow.ToString("o", CultureInfo.InvariantCulture)),
                MemoUpdate.ValueSet(MemoKeys.Progress, $"0/{input.Steps.Count}"));
            string? failure = null;
            try
            {
                for (var i = 0; i < input.Steps.Count; i++)
                {
                    var step = input.Steps[i];
                    currentStep = step.Name;
                    var error = await RunStepAsync(step);
                    if (error != null)
                    {
                        if (!step.ContinueOnError)
                        {
                            failure = error;
                            break;
                        }
                        Record(new ExecutionEvent { Kind = "Warning", Step = step.Name, Text = $"{error} (continuing: continueOnError)" });
                    }
                    Workflow.UpsertMemo(MemoUpdate.ValueSet(MemoKeys.Progress, $"{i + 1}/{input.Steps.Count}"));
                }
            }
            catch (Exception e) when (TemporalException.IsCanceledException(e))
            {
                outcome.Output = output.ToString();
                Workflow.UpsertMemo(
                    MemoUpdate.ValueSet(MemoKeys.State, "Cancelled"),
                    MemoUpdate.ValueUnset(MemoKeys.Question),
                    MemoUpdate.ValueSet(MemoKeys.Output, Tail(outcome.Output, MemoOutputLimit)),
                    MemoUpdate.ValueSet(MemoKeys.Error, currentStep == null ? "Cancelled before its first step ran." : $"Cancelled during step '{currentStep}'."));
                throw;
            }
            outcome.Output = output.ToString();
            if (failure != null)
            {
                outcome.Error = failure;
                Workflow.UpsertMemo(
                    MemoUpdate.ValueSet(MemoKeys.State, "Failed"),
                    MemoUpdate.ValueSet(MemoKeys.Output, Tail(outcome.Output, MemoOutputLimit)),
                    MemoUpdate.ValueSet(MemoKeys.Error, failure));
                throw new ApplicationFailureException(failure, "StepFailed", nonRetryable: true, details: new object[] { outcome });
            }
            Workflow.UpsertMemo(
                MemoUpdate.ValueSet(MemoKeys.State, "Completed"),
                MemoUpdate.ValueSet(MemoKeys.Output, Tail(outcome.Output, MemoOutputLimit)));
            return outcome;
        }

        /// <summary>Output lines streamed by a worker.</summary>
        [WorkflowSignal(WorkflowNames.LogSignal)]
        public Task OnLogAsync(LogBatch batch)
        {
            foreach (var line in batch.Lines)
            {
                if (line.Kind == LogLine.StartedKind) continue;
                output.Append(line.Text).Append('\n');
            }
            if (output.Length > OutputLimit) output.Remove(0, output.Length - OutputLimit);
            return Task.CompletedTask;
        }

        /// <summary>An answer to the pending question; ignored when nothing is asked.</summary>
        [WorkflowSignal(WorkflowNames.InputSignal)]
        public Task OnInputAsync(InputSignal signal)
        {
            if (waiting && pendingAnswer == null) pendingAnswer = signal.Answer ?? "";
            return Task.CompletedTask;
        }

        /// <summary>The product state, for live callers.</summary>
        [WorkflowQuery("state")]
        public string State => waiting || waitingMembers.Count > 0 ? "WaitingForInput" : "Running";

        /// <summary>Runs one step; returns null on success, else why it failed.</summary>
        private async Task<string?> RunStepAsync(StepDefinition step)
        {
            // Whatever started the execution (agent file, plan, API), a relative folder stays inside it.
            if (Security.WorkingDirectoryGuard.Escapes(step.WorkingDirectory))
            {
                outcome.Steps.Add(new StepOutcome { Name = step.Name, Status = "Failed" });
                return $"Step '{step.Name}': workingDirectory {Security.WorkingDirectoryGuard.Explain(step.WorkingDirectory!)}.";
            }
            switch (step.Kind)
            {
                case StepKind.Approval:
                    return await ApproveAsync(step);
                case StepKind.Changes:
                    return await RunChangesAsync(step);
                default:
                    return await RunCommandAsync(step, step.Name, step.Kind, step.Command ?? "");
            }
        }

        private async Task<string?> ApproveAsync(StepDefinition step)
        {
            var question = step.Question ?? "Continue?";
            if (input.AutoApprove)
            {
                Record(new ExecutionEvent { Kind = "Answer", Step = step.Name, Text = $"{question} -> yes (auto-approved)" });
                outcome.Steps.Add(new StepOutcome { Name = step.Name, Status = "Approved" });
                return null;
            }
            waiting = true;
            pendingAnswer = null;
            Workflow.UpsertMemo(
                MemoUpdate.ValueSet(MemoKeys.State, "WaitingForInput"),
                MemoUpdate.ValueSet(MemoKeys.Question, question),
                EventUpdate(new ExecutionEvent { Kind = "Question", Step = step.Name, Text = question }));
            await TellTeamAsync(question);
            bool answered;
            if (step.TimeoutSeconds is { } t)
                answered = await Workflow.WaitConditionAsync(() => pendingAnswer != null, TimeSpan.FromSeconds(t));
            else
            {
                await Workflow.WaitConditionAsync(() => pendingAnswer != null);
                answered = true;
            }
            waiting = false;
            var answer = pendingAnswer ?? "";
            var approved = answered && YesAnswers.Contains(answer.Trim().ToLowerInvariant());
            Workflow.UpsertMemo(
                MemoUpdate.ValueSet(MemoKeys.State, "Running"),
                MemoUpdate.ValueUnset(MemoKeys.Question),
                EventUpdate(new ExecutionEvent
                {
                    Kind = "Answer",
                    Step = step.Name,
                    Text = answered ? $"{question} -> {answer}" : $"{question} -> no answer within {step.TimeoutSeconds}s",
                }));
            await TellTeamAsync(null);
            outcome.Steps.Add(new StepOutcome { Name = step.Name, Status = approved ? "Approved" : "Rejected" });
            if (approved) return null;
            return answered ? $"Step '{step.Name}' was not approved (answer: '{answer}')." : $"Step '{step.Name}' got no answer within {step.TimeoutSeconds}s.";
        }

        private async Task<string?> RunChangesAsync(StepDefinition step)
        {
            ChangesResult changes;
            try
            {
                changes = await Workflow.ExecuteActivityAsync(
                    (StepActivities a) => a.DetectChangesAsync(new ChangesRequest
                    {
                        ExecutionId = Workflow.Info.WorkflowId,
                        Step = step.Name,
                        WorkingDirectory = Combine(input.WorkingDirectory, step.WorkingDirectory),
                        Changes = step.Changes ?? new ChangesDefinition(),
                        Env = StepEnv(step),
                    }),
                    Options(step.Name + "/detect", TimeSpan.FromMinutes(5)));
            }
            catch (ActivityFailureException e) when (!TemporalException.IsCanceledException(e))
            {
                outcome.Steps.Add(new StepOutcome { Name = step.Name, Status = "Failed" });
                return $"Step '{step.Name}': {e.InnerException?.Message ?? e.Message}";
            }
            Record(new ExecutionEvent
            {
                Kind = "Checkpoint",
                Step = step.Name,
                Text = $"{changes.ChangedPaths.Count} path(s) changed since {changes.Base}; {changes.Commands.Count} command(s) selected",
            });
            for (var i = 0; i < changes.Commands.Count; i++)
            {
                var c = changes.Commands[i];
                var error = await RunCommandAsync(step, $"{step.Name}[{i + 1}]", c.Kind, c.Command);
                if (error != null) return error;
            }
            return null;
        }

        private async Task<string?> RunCommandAsync(StepDefinition step, string name, string kind, string command)
        {
            var timeout = step.TimeoutSeconds ?? input.DefaultStepTimeoutSeconds;
            var runs = step.Retries + 1;
            StepResult? last = null;
            string? error = null;
            for (var attempt = 1; attempt <= runs; attempt++)
            {
                if (attempt > 1) await Workflow.DelayAsync(TimeSpan.FromSeconds(Math.Min(30, attempt - 1)));
                try
                {
                    last = await Workflow.ExecuteActivityAsync(
                        (StepActivities a) => a.RunStepAsync(new StepRequest
                        {
                            ExecutionId = Workflow.Info.WorkflowId,
                            Step = name,
                            Kind = kind,
                            Command = command,
                            WorkingDirectory = Combine(input.WorkingDirectory, step.WorkingDirectory),
                            Env = StepEnv(step),
                            TimeoutSeconds = timeout,
                            Attempt = attempt,
                        }),
                        Options($"{name}/{attempt}", TimeSpan.FromSeconds(timeout + 60)));
                }
                catch (ActivityFailureException e) when (!TemporalException.IsCanceledException(e))
                {
                    // Not a command failure: the step could not run at all (bad folder, no PowerShell...).
                    error = $"Step '{name}': {e.InnerException?.Message ?? e.Message}";
                    outcome.Steps.Add(new StepOutcome { Name = name, Status = "Failed", Attempts = attempt });
                    return error;
                }
                if (!string.IsNullOrEmpty(last.Worker) && last.Worker != worker)
                {
                    worker = last.Worker;
                    Workflow.UpsertMemo(MemoUpdate.ValueSet(MemoKeys.Worker, worker));
                }
                if (last.ExitCode == 0 && !last.TimedOut)
                {
                    outcome.Steps.Add(new StepOutcome { Name = name, Status = "Succeeded", ExitCode = 0, Attempts = attempt });
                    return null;
                }
            }
            outcome.Steps.Add(new StepOutcome { Name = name, Status = "Failed", ExitCode = last!.ExitCode, Attempts = runs });
            var why = last.TimedOut ? $"timed out after {timeout.ToString(CultureInfo.InvariantCulture)}s" : $"exited with code {last.ExitCode}";
            var tail = string.IsNullOrWhiteSpace(last.ErrorTail) ? "" : ": " + last.ErrorTail!.Trim();
            return $"Step '{name}' {why}{(runs > 1 ? $" after {runs} runs" : "")}{tail}";
        }

        private ActivityOptions Options(string activityId, TimeSpan startToClose) => new ActivityOptions
        {
            ActivityId = activityId,
            StartToCloseTimeout = startToClose,
            HeartbeatTimeout = TimeSpan.FromSeconds(input.HeartbeatTimeoutSeconds),
            // A cancelled execution closes once its step's processes are gone, not before.
            CancellationType = ActivityCancellationType.WaitCancellationCompleted,
            // These retries cover a worker that died or lost its connection; a failing command is
            // retried by the step's own 'retries' above, so the two never multiply.
            RetryPolicy = new RetryPolicy
            {
                InitialInterval = TimeSpan.FromSeconds(1),
                BackoffCoefficient = 2,
                MaximumInterval = TimeSpan.FromSeconds(30),
                MaximumAttempts = 10,
                NonRetryableErrorTypes = new[] { StepActivities.NonRetryableErrorType },
            },
        };

        private Dictionary<string, string> StepEnv(StepDefinition step)
        {
            var env = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["KUBIYA_EXECUTION_ID"] = Workflow.Info.WorkflowId,
                ["KUBIYA_PROMPT"] = input.Prompt,
            };
            if (input.Agent != null) env["KUBIYA_AGENT"] = input.Agent;
            if (input.Team != null) env["KUBIYA_TEAM"] = input.Team;
            if (input.Environment != null) env["KUBIYA_ENVIRONMENT"] = input.Environment;
            if (input.ParentExecutionId != null) env["KUBIYA_PARENT_EXECUTION_ID"] = input.ParentExecutionId;
            if (input.ParentOutput != null) env["KUBIYA_PARENT_OUTPUT"] = input.ParentOutput;
            foreach (var kv in step.Env) env[kv.Key] = kv.Value;
            return env;
        }

        private static string? Combine(string? root, string? sub)
        {
            if (string.IsNullOrEmpty(sub)) return root;
            if (string.IsNullOrEmpty(root)) return sub;
            return root!.TrimEnd('/', '\\') + "/" + sub;
        }

        private static void Record(ExecutionEvent e) => Workflow.UpsertMemo(EventUpdate(e));

        private static MemoUpdate EventUpdate(ExecutionEvent e) => MemoUpdate.ValueSet(MemoKeys.Event, e);

        private static string Tail(string s, int max) => s.Length <= max ? s : s.Substring(s.Length - max);
    }
}
