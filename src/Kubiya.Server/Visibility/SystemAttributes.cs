using Temporalio.Api.Enums.V1;

namespace Kubiya.Server.Visibility;

/// <summary>How a system attribute's column holds its value.</summary>
public enum SystemColumnKind
{
    /// <summary>The value as is (text or integer).</summary>
    Plain,
    /// <summary>A WorkflowExecutionStatus number, written in queries by name.</summary>
    Status,
    /// <summary>Unix milliseconds, written in queries as RFC3339 (or integer nanoseconds).</summary>
    TimeMs,
    /// <summary>An ActivityExecutionStatus number (standalone activities), written in queries by name.</summary>
    ActivityStatus,
    /// <summary>Milliseconds, written in queries as a duration ("90s", "1h30m", "00:10:00") or integer nanoseconds.</summary>
    DurationMs,
}

/// <summary>A system search attribute and the SQL expression over the executions table (alias e) that holds it.</summary>
public sealed record SystemAttribute(string Name, IndexedValueType Type, string Sql, SystemColumnKind Kind, bool Nullable);

/// <summary>
/// Search attributes every namespace has: the visibility columns of each run, and the
/// predefined attributes that SDKs upsert themselves (kept with the custom ones).
/// </summary>
public static class SystemAttributes
{
    public static readonly IReadOnlyDictionary<string, SystemAttribute> Columns = new[]
    {
        new SystemAttribute("WorkflowId", IndexedValueType.Keyword, "e.workflow_id", SystemColumnKind.Plain, false),
        new SystemAttribute("RunId", IndexedValueType.Keyword, "e.run_id", SystemColumnKind.Plain, false),
        new SystemAttribute("WorkflowType", IndexedValueType.Keyword, "e.workflow_type", SystemColumnKind.Plain, false),
        new SystemAttribute("TaskQueue", IndexedValueType.Keyword, "e.task_queue", SystemColumnKind.Plain, false),
        new SystemAttribute("ExecutionStatus", IndexedValueType.Keyword, "e.status", SystemColumnKind.Status, false),
        new SystemAttribute("StartTime", IndexedValueType.Datetime, "e.start_time", SystemColumnKind.TimeMs, false),
        new SystemAttribute("CloseTime", IndexedValueType.Datetime, "e.close_time", SystemColumnKind.TimeMs, true),
        new SystemAttribute("ExecutionTime", IndexedValueType.Datetime, "e.execution_time", SystemColumnKind.TimeMs, false),
        new SystemAttribute("ExecutionDuration", IndexedValueType.Int, "(e.close_time - e.execution_time)", SystemColumnKind.DurationMs, true),
        new SystemAttribute("HistoryLength", IndexedValueType.Int, "e.history_length", SystemColumnKind.Plain, false),
        new SystemAttribute("ParentWorkflowId", IndexedValueType.Keyword, "e.parent_workflow_id", SystemColumnKind.Plain, true),
        new SystemAttribute("ParentRunId", IndexedValueType.Keyword, "e.parent_run_id", SystemColumnKind.Plain, true),
    }.ToDictionary(a => a.Name, StringComparer.Ordinal);

    /// <summary>Attributes SDKs set on their own (patching, build ids); stored and queried like custom ones.</summary>
    public static readonly IReadOnlyDictionary<string, IndexedValueType> Predefined = new Dictionary<string, IndexedValueType>(StringComparer.Ordinal)
    {
        ["TemporalChangeVersion"] = IndexedValueType.KeywordList,
        ["BinaryChecksums"] = IndexedValueType.KeywordList,
        ["BuildIds"] = IndexedValueType.KeywordList,
        // Set by the server on workflows a schedule starts.
        ["TemporalScheduledById"] = IndexedValueType.Keyword,
        ["TemporalScheduledStartTime"] = IndexedValueType.Datetime,
    };

    /// <summary>Names a custom attribute may not take.</summary>
    public static bool IsReserved(string name) =>
        Columns.ContainsKey(name) || Predefined.ContainsKey(name) || name.StartsWith("Temporal", StringComparison.Ordinal);

    /// <summary>Status names as queries and results spell them.</summary>
    public static readonly IReadOnlyDictionary<string, WorkflowExecutionStatus> StatusByName =
        new Dictionary<string, WorkflowExecutionStatus>(StringComparer.OrdinalIgnoreCase)
        {
            ["Running"] = WorkflowExecutionStatus.Running,
            ["Completed"] = WorkflowExecutionStatus.Completed,
            ["Failed"] = WorkflowExecutionStatus.Failed,
            ["Canceled"] = WorkflowExecutionStatus.Canceled,
            ["Cancelled"] = WorkflowExecutionStatus.Canceled,
            ["Terminated"] = WorkflowExecutionStatus.Terminated,
            ["ContinuedAsNew"] = WorkflowExecutionStatus.ContinuedAsNew,
            ["TimedOut"] = WorkflowExecutionStatus.TimedOut,
        };

    /// <summary>Standalone activity status names as queries and results spell them.</summary>
    public static readonly IReadOnlyDictionary<string, ActivityExecutionStatus> ActivityStatusByName =
        new Dictionary<string, ActivityExecutionStatus>(StringComparer.OrdinalIgnoreCase)
        {
            ["Running"] = ActivityExecutionStatus.Running,
            ["Completed"] = ActivityExecutionStatus.Completed,
            ["Failed"] = ActivityExecutionStatus.Failed,
            ["Canceled"] = ActivityExecutionStatus.Canceled,
            ["Cancelled"] = ActivityExecutionStatus.Canceled,
            ["Terminated"] = ActivityExecutionStatus.Terminated,
            ["TimedOut"] = ActivityExecutionStatus.TimedOut,
            ["Paused"] = ActivityExecutionStatus.Paused,
        };

    public static string StatusName(WorkflowExecutionStatus s) => s switch
    {
        WorkflowExecutionStatus.Running => "Running",
        WorkflowExecutionStatus.Completed => "Completed",
        WorkflowExecutionStatus.Failed => "Failed",
        WorkflowExecutionStatus.Canceled => "Canceled",
        WorkflowExecutionStatus.Terminated => "Terminated",
        WorkflowExecutionStatus.ContinuedAsNew => "ContinuedAsNew",
        WorkflowExecutionStatus.TimedOut => "TimedOut",
        _ => "Unspecified",
    };
}
