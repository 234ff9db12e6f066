using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Kubiya.Core.Agents.Llm;
using Kubiya.Core.Agents.Llm.Tools;
using Kubiya.Core.Executions;
using Kubiya.Core.Workflows;
using Temporalio.Common;
using Temporalio.Exceptions;
using Temporalio.Workflows;

namespace Kubiya.Core.Agents.Teams
{
    /// <summary>
    /// Runs one <c>delegate</c> call of a coordinator, inside its workflow: the member runs as a
    /// child execution (same workflow type, its own id, the team's execution as its parent) and its
    /// outcome comes back as the tool result. Child workflows are in the coordinator's history, so a
    /// worker that dies never starts a finished member again; cancelling the team cancels the member.
    /// </summary>
    internal sealed class TeamDelegation
    {
        private readonly ExecutionInput input;
        private readonly CoordinatorSpec team;
        private readonly Action<ExecutionEvent> record;
        private readonly Action<string>? memberEnded;

        public TeamDelegation(ExecutionInput input, Action<ExecutionEvent> record, Action<string>? memberEnded = null)
        {
            this.input = input;
            team = input.Coordinator!;
            this.record = record;
            this.memberEnded = memberEnded;
        }

        /// <summary>Delegates and waits; <paramref name="remainingBudget"/> (USD) caps an llm member's own budget.</summary>
        public async Task<DelegationResult> RunAsync(int turn, int index, LlmToolCall call, double? remainingBudget)
        {
            var args = DelegateTool.Parse(call.ArgumentsJson, out var why);
            if (args == null) return Refused($"delegate: {why}. Members: {Names()}.");
            var member = DelegateTool.Find(team.Members, args.Value.Agent);
            if (member == null)
                return Refused($"There is no team member named '{args.Value.Agent}'. Call delegate with one of: {Names()}.");
            var task = args.Value.Task;
            var childId = $"{Workflow.Info.WorkflowId}-{turn}.{index}-{member.Name}";
            record(new ExecutionEvent { Kind = "ToolCall", Step = "delegate", Text = $"{member.Name} ({childId}): {Short(task, 300)}" });

            ExecutionOutcome? outcome;
            string? failure = null;
            try
            {
                var child = await Workflow.StartChildWorkflowAsync(
                    (ExecutionWorkflow wf) => wf.RunAsync(ChildInput(member, task, remainingBudget)),
                    Options(childId, member, task)).ConfigureAwait(true);
                outcome = await child.GetResultAsync().ConfigureAwait(true);
            }
            catch (ChildWorkflowFailureException e) when (!Workflow.CancellationToken.IsCancellationRequested)
            {
                // The member failed, or was cancelled or terminated on its own: the coordinator decides what next.
                outcome = e.InnerException is ApplicationFailureException af && af.Details.Count > 0 ? af.Details.ElementAt<ExecutionOutcome>(0) : null;
                failure = e.InnerException switch
                {
                    CanceledFailureException _ => "it was cancelled",
                    TerminatedFailureException _ => "it was terminated",
                    TimeoutFailureException _ => "it timed out",
                    _ => outcome?.Error ?? e.InnerException?.Message ?? e.Message,
                };
            }
            finally
            {
                // A member cancelled or terminated while it asked leaves no open question on the team.
                memberEnded?.Invoke(childId);
            }

            var output = Tail(outcome?.Output ?? "", team.MaxMemberOutputChars);
            var status = failure == null ? "completed" : "failed";
            record(new ExecutionEvent
            {
                Kind = "ToolResult",
                Step = "delegate",
                Text = $"{member.Name} {status} ({childId}){Spent(outcome?.Usage)}" + (failure != null ? ": " + failure : output.Length > 0 ? ": " + Short(output, 300) : ""),
            });
            var text = failure == null
                ? $"Member '{member.Name}' completed its task (execution {childId}). Its output:\n{(output.Length > 0 ? output : "(no output)")}"
                : $"Member '{member.Name}' failed (execution {childId}): {failure}" + (output.Length > 0 ? $"\nIts output so far:\n{output}" : "");
            return new DelegationResult { Result = new ToolResult { Output = text, IsError = failure != null }, Usage = outcome?.Usage };
        }

        private ExecutionInput ChildInput(TeamMemberInput member, string task, double? remainingBudget)
        {
            // A copy, so the member template in the coordinator's input stays as it was started.
            var child = JsonSerializer.Deserialize<ExecutionInput>(JsonSerializer.Serialize(member.Input))!;
            child.Prompt = task;
            child.ParentExecutionId = Workflow.Info.WorkflowId;
            if (member.RunsTaskAsCommand && child.Steps.Count == 1) child.Steps[0].Command = task;
            if (child.Llm != null && remainingBudget is { } left)
                child.Llm.MaxCostUsd = member.MaxCostUsd is { } own ? Math.Min(own, left) : left;
            return child;
        }

        private ChildWorkflowOptions Options(string childId, TeamMemberInput member, string task)
        {
            var memo = new Dictionary<string, object>
            {
                [MemoKeys.State] = "Pending",
                [MemoKeys.Prompt] = task,
                [MemoKeys.Queue] = Workflow.Info.TaskQueue,
                [MemoKeys.Priority] = team.Priority,
                [MemoKeys.Agent] = member.Name,
                [MemoKeys.Parent] = Workflow.Info.WorkflowId,
            };
            if (member.Input.Environment != null) memo[MemoKeys.Environment] = member.Input.Environment;
            if (member.Input.WorkingDirectory != null) memo[MemoKeys.WorkingDirectory] = member.Input.WorkingDirectory;
            if (member.Input.Llm != null)
            {
                memo[MemoKeys.Model] = member.Input.Llm.Model;
                memo[MemoKeys.Turns] = 0;
                memo[MemoKeys.ToolCalls] = 0;
                memo[MemoKeys.InputTokens] = 0;
                memo[MemoKeys.OutputTokens] = 0;
            }
            return new ChildWorkflowOptions
            {
                Id = childId,
                Memo = memo,
                TypedSearchAttributes = team.AgentSearchAttribute
                    ? new SearchAttributeCollection.Builder().Set(SearchAttributeSupport.Agent, member.Name).ToSearchAttributeCollection()
                    : null,
                Priority = new Priority(PriorityKey(team.Priority)),
                // The team's execution ends Cancelled only once the member's step processes are gone.
                CancellationType = ChildWorkflowCancellationType.WaitCancellationCompleted,
                // A terminated team still lets its member stop cleanly instead of killing it mid-step.
                ParentClosePolicy = ParentClosePolicy.RequestCancel,
            };
        }

        private string Names() => string.Join(", ", team.Members.Select(m => m.Name));

        private static DelegationResult Refused(string why) => new DelegationResult { Result = new ToolResult { IsError = true, Output = why } };

        private static string Spent(ExecutionUsage? u)
        {
            if (u == null || (u.Turns == 0 && u.ToolCalls == 0)) return "";
            var cost = u.CostUsd is { } c ? ", $" + c.ToString("0.######", CultureInfo.InvariantCulture) : "";
            return $" [{u.Turns} turn(s), {u.ToolCalls} tool call(s), {u.InputTokens}+{u.OutputTokens} tokens{cost}]";
        }

        private static int PriorityKey(string p) => p switch
        {
            "critical" => 1,
            "high" => 2,
            "low" => 4,
            _ => 3,
        };

        private static string Short(string s, int max)
        {
            var line = s.Replace("\r", "").Replace('\n', ' ').Trim();
            return line.Length <= max ? line : line.Substring(0, max) + "...";
        }

        private static string Tail(string s, int max) =>
            s.Length <= max ? s : $"[first {s.Length - max} of {s.Length} characters left out]\n" + s.Substring(s.Length - max);
    }

    /// <summary>What a delegation hands back to the coordinator loop.</summary>
    internal sealed class DelegationResult
    {
        /// <summary>The tool result the coordinator model reads.</summary>
        public ToolResult Result { get; set; } = new ToolResult();
        /// <summary>The member's spending, added to the team's totals.</summary>
        public ExecutionUsage? Usage { get; set; }
    }
}
