using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Temporalio.Exceptions;
using Temporalio.Workflows;

namespace Kubiya.Core.Workflows
{
    /// <content>
    /// A coordinator team shows when one of its members waits for a person: the member tells its
    /// parent (a signal), and the team's memo reads WaitingForInput with the member's question and id
    /// until the member is answered or ends.
    /// </content>
    public sealed partial class ExecutionWorkflow
    {
        // Histories recorded before members told their team replay without the signal.
        private const string MemberWaitingPatch = "member-waiting-signal";

        /// <summary>Members waiting for an answer, in the order they asked.</summary>
        private readonly List<MemberWaitingSignal> waitingMembers = new List<MemberWaitingSignal>();

        /// <summary>A member of this team started or stopped waiting for an answer.</summary>
        [WorkflowSignal(WorkflowNames.MemberWaitingSignal)]
        public Task OnMemberWaitingAsync(MemberWaitingSignal signal)
        {
            waitingMembers.RemoveAll(m => m.ExecutionId == signal.ExecutionId);
            if (signal.Question != null) waitingMembers.Add(signal);
            ShowWaitingMembers();
            return Task.CompletedTask;
        }

        /// <summary>A member's child execution ended: whatever it asked is no longer open.</summary>
        private void MemberEnded(string executionId)
        {
            if (waitingMembers.RemoveAll(m => m.ExecutionId == executionId) > 0) ShowWaitingMembers();
        }

        /// <summary>The team's memo shows the first member still waiting, or Running again when none is.</summary>
        private void ShowWaitingMembers()
        {
            // The team's own question (and its end states) win over a member's.
            if (waiting) return;
            if (waitingMembers.FirstOrDefault() is { } first)
                Workflow.UpsertMemo(
                    MemoUpdate.ValueSet(MemoKeys.State, "WaitingForInput"),
                    MemoUpdate.ValueSet(MemoKeys.Question, $"{first.Agent} asks: {first.Question}"),
                    MemoUpdate.ValueSet(MemoKeys.WaitingOn, first.ExecutionId));
            else
                Workflow.UpsertMemo(
                    MemoUpdate.ValueSet(MemoKeys.State, "Running"),
                    MemoUpdate.ValueUnset(MemoKeys.Question),
                    MemoUpdate.ValueUnset(MemoKeys.WaitingOn));
        }

        /// <summary>
        /// As a team's member (a child execution), tells the team that this execution now waits on
        /// <paramref name="question"/>, or (null) that it was answered.
        /// </summary>
        private async Task TellTeamAsync(string? question)
        {
            if (!(Workflow.Info.Parent is { } parent) || !Workflow.Patched(MemberWaitingPatch)) return;
            var signal = new MemberWaitingSignal { ExecutionId = Workflow.Info.WorkflowId, Agent = input.Agent ?? "member", Question = question };
            try
            {
                await Workflow.GetExternalWorkflowHandle<ExecutionWorkflow>(parent.WorkflowId, parent.RunId)
                    .SignalAsync(wf => wf.OnMemberWaitingAsync(signal));
            }
            catch (Exception e) when (!TemporalException.IsCanceledException(e))
            {
                // The team ended meanwhile: there is nothing left to show the question on.
            }
        }
    }

    /// <summary>A member of a coordinator team waits for an answer (or, with no question, no longer does).</summary>
    public sealed class MemberWaitingSignal
    {
        /// <summary>The member's execution id.</summary>
        public string ExecutionId { get; set; } = "";
        /// <summary>The member's agent name.</summary>
        public string Agent { get; set; } = "";
        /// <summary>What it asks; null once it was answered.</summary>
        public string? Question { get; set; }
    }
}
