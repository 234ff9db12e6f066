using System;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Errors;
using Kubiya.Core.Logs;

namespace Kubiya.Core.Executions
{
    /// <summary>
    /// What <c>exec</c> does when the execution it follows asks a question (an approval step): the
    /// front answers it if it can (an interactive prompt); otherwise it waits up to the request's
    /// ApprovalTimeout for an answer from elsewhere, and then a local run fails with
    /// <c>ApprovalRequired</c> (nobody could answer once the process ends) while a queued run is
    /// handed back WaitingForInput, saying how to answer.
    /// </summary>
    internal sealed class ApprovalGate
    {
        /// <summary>Error id of a question nobody could answer here.</summary>
        public const string ApprovalRequired = "ApprovalRequired";

        private readonly ExecutionService executions;
        private readonly ExecutionRequest request;
        private readonly ExecObserver observer;
        private readonly CancellationTokenSource follow;
        private Task pending = Task.CompletedTask;

        public ApprovalGate(ExecutionService executions, ExecutionRequest request, ExecObserver observer, CancellationTokenSource follow)
        {
            this.executions = executions;
            this.request = request;
            this.observer = observer;
            this.follow = follow;
        }

        /// <summary>Set when a local run must fail: nobody answered.</summary>
        public KubiyaException? Failure { get; private set; }

        /// <summary>True when following stopped to hand back a queued run that waits for an answer.</summary>
        public bool HandedBack { get; private set; }

        /// <summary>Called for every live log entry.</summary>
        public void OnEntry(LogEntry entry)
        {
            if (entry.Kind != LogEntryKind.Question || !pending.IsCompleted) return;
            pending = Task.Run(() => HandleAsync(entry));
        }

        private async Task HandleAsync(LogEntry question)
        {
            var ct = follow.Token;
            try
            {
                var answer = observer.Answer != null ? await observer.Answer(question, ct).ConfigureAwait(false) : null;
                if (answer != null)
                {
                    await executions.SendInputAsync(question.ExecutionId, answer, ct).ConfigureAwait(false);
                    return;
                }
                if (request.ApprovalTimeout is { } wait && await AnsweredElsewhereAsync(question.ExecutionId, wait, ct).ConfigureAwait(false)) return;
                if (request.Local)
                {
                    Failure = new KubiyaException(KubiyaErrorKind.InvalidState, ApprovalRequired,
                        $"Execution {question.ExecutionId} needs approval ('{question.Text}') and nobody can answer it here" +
                        (request.ApprovalTimeout is { } t ? $" (no answer within {t.TotalSeconds:0.#} s)" : " (non-interactive)") +
                        ". Approve it up front ({-Yes}), or allow time for an answer from elsewhere ({-ApprovalTimeout}).",
                        question.ExecutionId);
                }
                else
                {
                    HandedBack = true;
                }
                follow.Cancel();
            }
            catch (OperationCanceledException)
            {
                // Following ended (the execution finished, or the user interrupted).
            }
            catch (KubiyaException ex) when (ex.ErrorId == "ExecutionNotWaitingForInput")
            {
                // Answered elsewhere first.
            }
        }

        private async Task<bool> AnsweredElsewhereAsync(string id, TimeSpan wait, CancellationToken ct)
        {
            var deadline = DateTime.UtcNow + wait;
            while (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct).ConfigureAwait(false);
                var info = await executions.GetAsync(id, false, ct).ConfigureAwait(false);
                if (info.Status != ExecutionStatus.WaitingForInput) return true;
            }
            return false;
        }
    }
}
