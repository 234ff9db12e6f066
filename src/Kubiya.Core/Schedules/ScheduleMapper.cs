using System;
using System.Linq;
using Kubiya.Core.Workflows;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Converters;

namespace Kubiya.Core.Schedules
{
    /// <summary>Reads a DescribeSchedule answer into a <see cref="ScheduleInfo"/>.</summary>
    public static class ScheduleMapper
    {
        /// <summary>The schedule as the module and CLI show it.</summary>
        public static ScheduleInfo ToInfo(string name, DescribeScheduleResponse raw)
        {
            var s = raw.Schedule;
            var wf = s.Action?.StartWorkflow;
            var input = InputOf(s);
            var info = new ScheduleInfo
            {
                Name = name,
                Spec = ScheduleSpecText.Format(s.Spec),
                TimeZone = string.IsNullOrEmpty(s.Spec?.TimezoneName) ? null : s.Spec!.TimezoneName,
                Agent = input?.Agent,
                Team = input?.Team,
                Prompt = input?.Prompt ?? "",
                Queue = wf?.TaskQueue?.Name,
                Overlap = FromApi(s.Policies?.OverlapPolicy ?? ScheduleOverlapPolicy.Skip),
                Paused = s.State?.Paused ?? false,
                Note = string.IsNullOrEmpty(s.State?.Notes) ? null : s.State!.Notes,
                Runs = raw.Info?.ActionCount ?? 0,
                CreatedAt = raw.Info?.CreateTime?.ToDateTimeOffset(),
            };
            if (raw.Info != null)
            {
                info.NextRuns = raw.Info.FutureActionTimes.Select(t => t.ToDateTimeOffset()).ToList();
                info.NextRun = info.NextRuns.Count > 0 ? info.NextRuns[0] : (DateTimeOffset?)null;
                info.RunningExecutions = raw.Info.RunningWorkflows.Select(w => w.WorkflowId).ToList();
                var last = raw.Info.RecentActions.OrderBy(a => a.ScheduleTime?.ToDateTimeOffset()).LastOrDefault();
                if (last != null)
                {
                    info.LastRun = last.ScheduleTime?.ToDateTimeOffset();
                    info.LastExecutionId = last.StartWorkflowResult?.WorkflowId;
                    info.LastResult = ResultName(last.StartWorkflowStatus, info.RunningExecutions.Contains(info.LastExecutionId ?? ""));
                }
            }
            return info;
        }

        /// <summary>The execution input in a schedule's action, when it is one of ours.</summary>
        public static ExecutionInput? InputOf(Temporalio.Api.Schedule.V1.Schedule? s)
        {
            var payload = s?.Action?.StartWorkflow?.Input?.Payloads_.FirstOrDefault();
            if (payload == null) return null;
            try { return DataConverter.Default.PayloadConverter.ToValue<ExecutionInput>(payload); }
            catch (Exception) { return null; } // not a Kubiya action
        }

        private static string? ResultName(WorkflowExecutionStatus status, bool running) => status switch
        {
            WorkflowExecutionStatus.Running => "Running",
            WorkflowExecutionStatus.Completed => "Completed",
            WorkflowExecutionStatus.Failed => "Failed",
            WorkflowExecutionStatus.Canceled => "Cancelled",
            WorkflowExecutionStatus.Terminated => "Terminated",
            WorkflowExecutionStatus.TimedOut => "TimedOut",
            WorkflowExecutionStatus.ContinuedAsNew => "Running",
            _ => running ? "Running" : null,
        };

        internal static string FromApi(ScheduleOverlapPolicy p) => p switch
        {
            ScheduleOverlapPolicy.BufferOne => ScheduleOverlap.BufferOne,
            ScheduleOverlapPolicy.BufferAll => ScheduleOverlap.BufferAll,
            ScheduleOverlapPolicy.CancelOther => ScheduleOverlap.CancelOther,
            ScheduleOverlapPolicy.TerminateOther => ScheduleOverlap.TerminateOther,
            ScheduleOverlapPolicy.AllowAll => ScheduleOverlap.AllowAll,
            _ => ScheduleOverlap.Skip,
        };
    }
}
