using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading.Tasks;
using Kubiya.Core.Values;
using Kubiya.Core.Workflows;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Converters;

namespace Kubiya.Core.Executions
{
    /// <summary>Maps a Temporal workflow execution (status + memo) to an <see cref="ExecutionInfo"/>.</summary>
    public static class ExecutionMapper
    {
        /// <summary>Builds the product view of <paramref name="wf"/>.</summary>
        public static async Task<ExecutionInfo> ToInfoAsync(WorkflowExecution wf)
        {
            var memo = wf.Memo;
            var state = await StringAsync(memo, MemoKeys.State).ConfigureAwait(false);
            var info = new ExecutionInfo
            {
                Id = wf.Id,
                RunId = wf.RunId,
                Status = MapStatus(wf.Status, state),
                Agent = await StringAsync(memo, MemoKeys.Agent).ConfigureAwait(false),
                Team = await StringAsync(memo, MemoKeys.Team).ConfigureAwait(false),
                Queue = await StringAsync(memo, MemoKeys.Queue).ConfigureAwait(false) ?? wf.TaskQueue,
                Worker = await StringAsync(memo, MemoKeys.Worker).ConfigureAwait(false),
                Priority = ParsePriority(await StringAsync(memo, MemoKeys.Priority).ConfigureAwait(false)),
                Prompt = await StringAsync(memo, MemoKeys.Prompt).ConfigureAwait(false) ?? "",
                Environment = await StringAsync(memo, MemoKeys.Environment).ConfigureAwait(false),
                WorkingDirectory = await StringAsync(memo, MemoKeys.WorkingDirectory).ConfigureAwait(false),
                ParentExecutionId = await StringAsync(memo, MemoKeys.Parent).ConfigureAwait(false),
                Schedule = await StringAsync(memo, Schedules.ScheduleMemo.ExecutionSchedule).ConfigureAwait(false),
                Output = await StringAsync(memo, MemoKeys.Output).ConfigureAwait(false),
                Error = await StringAsync(memo, MemoKeys.Error).ConfigureAwait(false),
                Progress = await StringAsync(memo, MemoKeys.Progress).ConfigureAwait(false),
                PlanId = await StringAsync(memo, MemoKeys.PlanId).ConfigureAwait(false),
                CreatedAt = new DateTimeOffset(DateTime.SpecifyKind(wf.StartTime, DateTimeKind.Utc)).ToLocalTime(),
            };
            info.ErrorId = await StringAsync(memo, MemoKeys.ErrorId).ConfigureAwait(false);
            info.Model = await StringAsync(memo, MemoKeys.Model).ConfigureAwait(false);
            if (info.Model != null)
            {
                info.Turns = (int?)await NumberAsync<long>(memo, MemoKeys.Turns).ConfigureAwait(false) ?? 0;
                info.ToolCalls = (int?)await NumberAsync<long>(memo, MemoKeys.ToolCalls).ConfigureAwait(false) ?? 0;
                info.InputTokens = await NumberAsync<long>(memo, MemoKeys.InputTokens).ConfigureAwait(false) ?? 0;
                info.OutputTokens = await NumberAsync<long>(memo, MemoKeys.OutputTokens).ConfigureAwait(false) ?? 0;
                info.CostUsd = await NumberAsync<double>(memo, MemoKeys.CostUsd).ConfigureAwait(false);
            }
            if (info.Status == ExecutionStatus.WaitingForInput)
            {
                info.Question = await StringAsync(memo, MemoKeys.Question).ConfigureAwait(false);
                info.WaitingOn = await StringAsync(memo, MemoKeys.WaitingOn).ConfigureAwait(false);
            }
            var started = await StringAsync(memo, MemoKeys.StartedAt).ConfigureAwait(false);
            if (started != null && DateTimeOffset.TryParse(started, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var s)) info.StartedAt = s.ToLocalTime();
            if (wf.CloseTime is { } close) info.CompletedAt = new DateTimeOffset(DateTime.SpecifyKind(close, DateTimeKind.Utc)).ToLocalTime();
            if (info.IsFinished && info.Error == null && info.Status != ExecutionStatus.Completed)
                info.Error = wf.Status == WorkflowExecutionStatus.TimedOut ? "Timed out" : wf.Status == WorkflowExecutionStatus.Terminated ? "Terminated" : info.Status;
            var from = info.StartedAt ?? info.CreatedAt;
            var to = info.CompletedAt ?? (info.IsFinished ? (DateTimeOffset?)null : DateTimeOffset.Now);
            if (to != null && info.Status != ExecutionStatus.Pending) info.Duration = DurationFormat.Seconds(to.Value - from);
            return info;
        }

        /// <summary>Temporal status + memo state to product status.</summary>
        public static string MapStatus(WorkflowExecutionStatus status, string? memoState)
        {
            switch (status)
            {
                case WorkflowExecutionStatus.Running:
                    if (memoState == "WaitingForInput") return ExecutionStatus.WaitingForInput;
                    if (memoState == "Running") return ExecutionStatus.Running;
                    return ExecutionStatus.Pending;
                case WorkflowExecutionStatus.Completed:
                case WorkflowExecutionStatus.ContinuedAsNew:
                    return ExecutionStatus.Completed;
                case WorkflowExecutionStatus.Canceled:
                case WorkflowExecutionStatus.Terminated:
                    return ExecutionStatus.Cancelled;
                default:
                    return ExecutionStatus.Failed;
            }
        }

        /// <summary>The Temporal statuses a product status can come from (for visibility queries).</summary>
        public static IEnumerable<string> TemporalStatuses(string status)
        {
            switch (status)
            {
                case ExecutionStatus.Pending:
                case ExecutionStatus.Running:
                case ExecutionStatus.WaitingForInput:
                    return new[] { "Running" };
                case ExecutionStatus.Completed:
                    return new[] { "Completed", "ContinuedAsNew" };
                case ExecutionStatus.Cancelled:
                    return new[] { "Canceled", "Terminated" };
                default:
                    return new[] { "Failed", "TimedOut" };
            }
        }

        /// <summary>Parses low/medium/high/critical (case-insensitive); medium otherwise.</summary>
        public static string ParsePriority(string? value) => ExecutionPriority.Parse(value) ?? ExecutionPriority.Medium;

        private static async Task<T?> NumberAsync<T>(IReadOnlyDictionary<string, IEncodedRawValue> memo, string key) where T : struct
        {
            if (!memo.TryGetValue(key, out var raw)) return null;
            try
            {
                return await raw.ToValueAsync<T>().ConfigureAwait(false);
            }
            catch (Exception)
            {
                return null;
            }
        }

        private static async Task<string?> StringAsync(IReadOnlyDictionary<string, IEncodedRawValue> memo, string key)
        {
            if (!memo.TryGetValue(key, out var raw)) return null;
            try
            {
                return await raw.ToValueAsync<string>().ConfigureAwait(false);
            }
            catch (Exception)
            {
                // A memo written by something else with a different shape: show nothing rather than fail.
                return null;
            }
        }
    }
}
