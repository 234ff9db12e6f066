using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Errors;
using Kubiya.Core.Workflows;
using Temporalio.Api.History.V1;

namespace Kubiya.Core.Logs
{
    /// <content>
    /// Team roll-up: a member run is a child workflow with its own history; the team's log shows it
    /// in place, each entry tagged with the member's name (Step <c>MEMBER/step</c>) and carrying
    /// the member execution's id. With follow, the member is followed until it ends, as the team waits for it too.
    /// </content>
    public sealed partial class LogReader
    {
        private void NoteMember(HistoryEvent e, Dictionary<long, string> members)
        {
            var a = e.StartChildWorkflowExecutionInitiatedEventAttributes;
            if (a.WorkflowType?.Name != WorkflowNames.Execution) return;
            var input = Decode<ExecutionInput>(a.Input?.Payloads_.FirstOrDefault());
            members[e.EventId] = input?.Agent ?? a.WorkflowId;
        }

        private async Task ReadMemberAsync(HistoryEvent e, Dictionary<long, string> members, bool follow, Action<LogEntry> onEntry, CancellationToken ct)
        {
            var a = e.ChildWorkflowExecutionStartedEventAttributes;
            if (!members.TryGetValue(a.InitiatedEventId, out var member)) return;
            var childId = a.WorkflowExecution.WorkflowId;
            try
            {
                await ReadAsync(childId, follow, entry => onEntry(Tagged(entry, member, childId)), ct).ConfigureAwait(false);
            }
            catch (KubiyaException ex) when (ex.Kind == KubiyaErrorKind.NotFound)
            {
                onEntry(new LogEntry
                {
                    Time = e.EventTime?.ToDateTimeOffset() ?? DateTimeOffset.UtcNow,
                    ExecutionId = childId,
                    Kind = LogEntryKind.Warning,
                    Step = member,
                    Text = $"Member '{member}' ran as {childId}, whose history is no longer available.",
                });
            }
        }

        /// <summary>A member's entry as the team shows it: its start and end read as a step of the team.</summary>
        private static LogEntry Tagged(LogEntry entry, string member, string childId)
        {
            var kind = entry.Kind switch
            {
                LogEntryKind.Started => LogEntryKind.StepStarted,
                LogEntryKind.Completed => LogEntryKind.StepCompleted,
                LogEntryKind.Failed => LogEntryKind.StepFailed,
                LogEntryKind.Cancelled => LogEntryKind.StepFailed,
                _ => entry.Kind,
            };
            return new LogEntry
            {
                Time = entry.Time,
                ExecutionId = entry.ExecutionId,
                Kind = kind,
                Step = entry.Step == null ? member : member + "/" + entry.Step,
                Attempt = entry.Attempt,
                Worker = entry.Worker,
                Text = kind != entry.Kind ? $"Member '{member}' ({childId}): {entry.Text}" : entry.Text,
            };
        }
    }
}
