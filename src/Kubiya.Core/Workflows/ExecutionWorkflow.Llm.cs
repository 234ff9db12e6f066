using System;
using System.Globalization;
using System.Threading.Tasks;
using Kubiya.Core.Agents.Llm.Loop;
using Temporalio.Exceptions;
using Temporalio.Workflows;

namespace Kubiya.Core.Workflows
{
    /// <content>llm executions and coordinator teams: the agent loop runs in place of the steps.</content>
    public sealed partial class ExecutionWorkflow
    {
        private async Task<ExecutionOutcome> RunAgentLoopAsync(ExecutionInput input)
        {
            if (input.Conversation == null)
                Workflow.UpsertMemo(
                    MemoUpdate.ValueSet(MemoKeys.State, "Running"),
                    MemoUpdate.ValueSet(MemoKeys.StartedAt, Workflow.UtcNow.ToString("o", CultureInfo.InvariantCulture)));
            else
                Workflow.UpsertMemo(MemoUpdate.ValueSet(MemoKeys.State, "Running"));
            var loop = new AgentLoop(input, AskAsync, Record, SeenWorker, MemberEnded);
            try
            {
                outcome.Output = await loop.RunAsync();
            }
            catch (AgentLoopFailure f)
            {
                outcome.Output = loop.LastText;
                outcome.Error = f.Message;
                outcome.Conversation = loop.Conversation;
                outcome.Usage = loop.Usage;
                Workflow.UpsertMemo(
                    MemoUpdate.ValueSet(MemoKeys.State, "Failed"),
                    MemoUpdate.ValueUnset(MemoKeys.Question),
                    MemoUpdate.ValueSet(MemoKeys.Output, Tail(outcome.Output, MemoOutputLimit)),
                    MemoUpdate.ValueSet(MemoKeys.Error, f.Message),
                    MemoUpdate.ValueSet(MemoKeys.ErrorId, f.ErrorId));
                throw new ApplicationFailureException(f.Message, f.ErrorId, nonRetryable: true, details: new object[] { outcome });
            }
            catch (Exception e) when (TemporalException.IsCanceledException(e))
            {
                outcome.Output = loop.LastText;
                Workflow.UpsertMemo(
                    MemoUpdate.ValueSet(MemoKeys.State, "Cancelled"),
                    MemoUpdate.ValueUnset(MemoKeys.Question),
                    MemoUpdate.ValueSet(MemoKeys.Output, Tail(outcome.Output, MemoOutputLimit)),
                    MemoUpdate.ValueSet(MemoKeys.Error, "Cancelled"));
                throw;
            }
            outcome.Conversation = loop.Conversation;
            outcome.Usage = loop.Usage;
            Workflow.UpsertMemo(
                MemoUpdate.ValueSet(MemoKeys.State, "Completed"),
                MemoUpdate.ValueSet(MemoKeys.Output, Tail(outcome.Output, MemoOutputLimit)));
            return outcome;
        }

        /// <summary>Asks a person and waits for the answer (the execution shows WaitingForInput meanwhile).</summary>
        private async Task<string> AskAsync(string step, string question)
        {
            waiting = true;
            pendingAnswer = null;
            Workflow.UpsertMemo(
                MemoUpdate.ValueSet(MemoKeys.State, "WaitingForInput"),
                MemoUpdate.ValueSet(MemoKeys.Question, question),
                EventUpdate(new ExecutionEvent { Kind = "Question", Step = step, Text = question }));
            await TellTeamAsync(question);
            await Workflow.WaitConditionAsync(() => pendingAnswer != null);
            waiting = false;
            var answer = pendingAnswer ?? "";
            Workflow.UpsertMemo(
                MemoUpdate.ValueSet(MemoKeys.State, "Running"),
                MemoUpdate.ValueUnset(MemoKeys.Question),
                EventUpdate(new ExecutionEvent { Kind = "Answer", Step = step, Text = $"{question} -> {answer}" }));
            await TellTeamAsync(null);
            // Members may still wait while the team itself was asked.
            if (waitingMembers.Count > 0) ShowWaitingMembers();
            return answer;
        }

        private void SeenWorker(string identity)
        {
            if (identity == worker) return;
            worker = identity;
            Workflow.UpsertMemo(MemoUpdate.ValueSet(MemoKeys.Worker, identity));
        }
    }
}
