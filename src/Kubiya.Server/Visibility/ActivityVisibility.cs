using Google.Protobuf;
using Kubiya.Server.Engine;
using Kubiya.Server.Visibility.Query;
using Microsoft.Data.Sqlite;
using Temporalio.Api.Activity.V1;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Visibility;

/// <summary>
/// ListActivityExecutions and CountActivityExecutions: the workflow query language over the
/// standalone activity table, with the attribute names Temporal gives activities (ActivityId,
/// ActivityType, ActivityStatus or ExecutionStatus, ActivityTaskQueue or TaskQueue, the time
/// attributes) and the namespace's custom search attributes.
/// </summary>
public sealed class ActivityVisibility : IDisposable
{
    private static readonly IReadOnlyDictionary<string, SystemAttribute> Columns = new[]
    {
        new SystemAttribute("ActivityId", IndexedValueType.Keyword, "e.activity_id", SystemColumnKind.Plain, false),
        new SystemAttribute("RunId", IndexedValueType.Keyword, "e.run_id", SystemColumnKind.Plain, false),
        new SystemAttribute("ActivityType", IndexedValueType.Keyword, "e.activity_type", SystemColumnKind.Plain, false),
        new SystemAttribute("ActivityTaskQueue", IndexedValueType.Keyword, "e.task_queue", SystemColumnKind.Plain, false),
        new SystemAttribute("TaskQueue", IndexedValueType.Keyword, "e.task_queue", SystemColumnKind.Plain, false),
        new SystemAttribute("ActivityStatus", IndexedValueType.Keyword, "e.status", SystemColumnKind.ActivityStatus, false),
        new SystemAttribute("ExecutionStatus", IndexedValueType.Keyword, "e.status", SystemColumnKind.ActivityStatus, false),
        new SystemAttribute("ScheduleTime", IndexedValueType.Datetime, "e.start_time", SystemColumnKind.TimeMs, false),
        new SystemAttribute("StartTime", IndexedValueType.Datetime, "e.start_time", SystemColumnKind.TimeMs, false),
        new SystemAttribute("ExecutionTime", IndexedValueType.Datetime, "e.execution_time", SystemColumnKind.TimeMs, false),
        new SystemAttribute("CloseTime", IndexedValueType.Datetime, "e.close_time", SystemColumnKind.TimeMs, true),
        new SystemAttribute("ExecutionDuration", IndexedValueType.Int, "(e.close_time - e.start_time)", SystemColumnKind.DurationMs, true),
        new SystemAttribute("StateTransitionCount", IndexedValueType.Int, "e.state_transitions", SystemColumnKind.Plain, false),
    }.ToDictionary(a => a.Name, StringComparer.Ordinal);

    private const string RowColumns =
        "e.activity_id, e.run_id, e.activity_type, e.task_queue, e.status, e.start_time, e.execution_time, e.close_time, e.state_transitions, e.search_attributes";

    private readonly WorkflowEngine engine;
    private readonly SearchAttributeRegistry registry;
    private readonly VisibilityReader reader;

    public ActivityVisibility(WorkflowEngine engine, SearchAttributeRegistry registry)
    {
        this.engine = engine;
        this.registry = registry;
        reader = new VisibilityReader(engine.Store.Connection.DataSource);
    }

    private ResolvedAttribute? Resolve(string ns, string name)
    {
        if (Columns.TryGetValue(name, out var sys)) return new ResolvedAttribute(name, sys.Type, sys);
        return registry.FindIndexed(ns, name) is { } t ? new ResolvedAttribute(name, t, null) : null;
    }

    private SqlQuery Translate(string ns, string? query, SqlTranslator.Purpose purpose)
    {
        try
        {
            return SqlTranslator.Translate(QueryParser.Parse(query), query ?? "", ns, name => Resolve(ns, name),
                name => Columns.Keys.FirstOrDefault(k => k.Equals(name, StringComparison.OrdinalIgnoreCase)) ?? registry.SuggestName(ns, name), purpose);
        }
        catch (QueryException ex) { throw ServerErrors.InvalidArgument(ex.Message); }
    }

    public ListActivityExecutionsResponse List(ListActivityExecutionsRequest r)
    {
        WorkflowEngine.Require(r.Namespace, "Namespace");
        engine.Namespaces.Get(r.Namespace);
        if (r.PageSize < 0) throw ServerErrors.InvalidArgument($"PageSize must not be negative, not {r.PageSize}.");
        var size = r.PageSize == 0 ? VisibilityService.DefaultPageSize : Math.Min(r.PageSize, VisibilityService.MaxPageSize);
        var sql = Translate(r.Namespace, r.Query, SqlTranslator.Purpose.List);
        var fingerprint = PageToken.FingerprintOf(r.Namespace, "activities:" + r.Query);
        var parameters = new Dictionary<string, object>(sql.Parameters);
        var where = sql.Where;
        if (r.NextPageToken is { IsEmpty: false } token)
            where += " AND " + Keyset.After(sql.Sort, PageToken.Decode(token, fingerprint, sql.Sort).Keys, parameters);
        parameters["$limit"] = (long)size + 1;
        var keys = string.Join(", ", sql.Sort.Select(k => k.Sql));
        var order = string.Join(", ", sql.Sort.Select(k => k.Sql + (k.Descending ? " DESC" : " ASC")));
        var text = $"SELECT {RowColumns}, {keys} FROM activity_executions e WHERE {where} ORDER BY {order} LIMIT $limit";
        var resp = new ListActivityExecutionsResponse();
        object?[]? last = null;
        var more = reader.Run(conn =>
        {
            using var cmd = Command(conn, text, parameters);
            using var rd = cmd.ExecuteReader();
            while (rd.Read())
            {
                if (resp.Executions.Count == size) return true;
                resp.Executions.Add(ToInfo(rd));
                last = new object?[sql.Sort.Count];
                for (var i = 0; i < sql.Sort.Count; i++) last[i] = rd.IsDBNull(10 + i) ? null : rd.GetValue(10 + i);
            }
            return false;
        });
        if (more && last != null) resp.NextPageToken = new PageToken(fingerprint, last).Encode();
        return resp;
    }

    public CountActivityExecutionsResponse Count(CountActivityExecutionsRequest r)
    {
        WorkflowEngine.Require(r.Namespace, "Namespace");
        engine.Namespaces.Get(r.Namespace);
        var sql = Translate(r.Namespace, r.Query, SqlTranslator.Purpose.Count);
        return reader.Run(conn =>
        {
            var result = new CountActivityExecutionsResponse();
            if (!sql.GroupByStatus)
            {
                using var count = Command(conn, $"SELECT COUNT(*) FROM activity_executions e WHERE {sql.Where}", sql.Parameters);
                result.Count = Convert.ToInt64(count.ExecuteScalar());
                return result;
            }
            using var cmd = Command(conn, $"SELECT e.status, COUNT(*) AS n FROM activity_executions e WHERE {sql.Where} GROUP BY e.status ORDER BY n DESC, e.status", sql.Parameters);
            using var rd = cmd.ExecuteReader();
            while (rd.Read())
            {
                var group = new CountActivityExecutionsResponse.Types.AggregationGroup { Count = rd.GetInt64(1) };
                group.GroupValues.Add(KeywordPayload(StatusName((ActivityExecutionStatus)rd.GetInt32(0))));
                result.Groups.Add(group);
                result.Count += group.Count;
            }
            return result;
        });
    }

    /// <summary>Status names as queries and results spell them.</summary>
    public static string StatusName(ActivityExecutionStatus s) => s switch
    {
        ActivityExecutionStatus.Running => "Running",
        ActivityExecutionStatus.Completed => "Completed",
        ActivityExecutionStatus.Failed => "Failed",
        ActivityExecutionStatus.Canceled => "Canceled",
        ActivityExecutionStatus.Terminated => "Terminated",
        ActivityExecutionStatus.TimedOut => "TimedOut",
        ActivityExecutionStatus.Paused => "Paused",
        _ => "Unspecified",
    };

    private static ActivityExecutionListInfo ToInfo(SqliteDataReader rd)
    {
        var schedule = rd.GetInt64(5);
        var info = new ActivityExecutionListInfo
        {
            ActivityId = rd.GetString(0),
            RunId = rd.GetString(1),
            ActivityType = new() { Name = rd.GetString(2) },
            TaskQueue = rd.GetString(3),
            Status = (ActivityExecutionStatus)rd.GetInt32(4),
            ScheduleTime = Clock.Ts(schedule),
            ExecutionTime = Clock.Ts(rd.GetInt64(6)),
            StateTransitionCount = rd.GetInt64(8),
            SearchAttributes = rd.IsDBNull(9) ? new SearchAttributes() : SearchAttributes.Parser.ParseFrom((byte[])rd[9]),
        };
        if (!rd.IsDBNull(7))
        {
            var close = rd.GetInt64(7);
            info.CloseTime = Clock.Ts(close);
            info.ExecutionDuration = Clock.Dur(Math.Max(0, close - schedule));
        }
        return info;
    }

    private static SqliteCommand Command(SqliteConnection conn, string text, IReadOnlyDictionary<string, object> parameters)
    {
        var cmd = conn.CreateCommand();
        cmd.CommandText = text;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        return cmd;
    }

    private static Payload KeywordPayload(string value) => new()
    {
        Metadata =
        {
            ["encoding"] = ByteString.CopyFromUtf8("json/plain"),
            ["type"] = ByteString.CopyFromUtf8("Keyword"),
        },
        Data = ByteString.CopyFromUtf8(System.Text.Json.JsonSerializer.Serialize(value)),
    };

    public void Dispose() => reader.Dispose();
}
