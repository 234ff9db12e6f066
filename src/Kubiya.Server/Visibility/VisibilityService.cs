using System.Diagnostics;
using Google.Protobuf;
using Kubiya.Server.Engine;
using Kubiya.Server.Storage;
using Kubiya.Server.Visibility.Query;
using Microsoft.Data.Sqlite;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Workflow.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Visibility;

/// <summary>
/// Temporal visibility over the server's database: list, scan and count with the query
/// language, the legacy open/closed listings, and the custom search attribute registry.
/// Queries run on their own read connections and see every committed transition.
/// </summary>
public sealed class VisibilityService : IDisposable
{
    /// <summary>
    /// Page size when the request gives none (Temporal's default, 1000), and the largest one
    /// honoured: 10,000, as a Temporal operator may allow with <c>frontend.visibilityMaxPageSize</c>,
    /// so analytics over a window read it in a few round trips. A page also ends at
    /// <see cref="MaxPageBytes"/> so large memos never make a response too big for a client.
    /// </summary>
    public const int DefaultPageSize = 1000, MaxPageSize = 10_000;

    /// <summary>A page stops growing past this many bytes of executions (clients receive 4 MB by default).</summary>
    public const int MaxPageBytes = 3 * 1024 * 1024;

    private const string Columns =
        "e.workflow_id, e.run_id, e.status, e.workflow_type, e.task_queue, e.start_time, e.execution_time, e.close_time, " +
        "e.history_length, e.parent_workflow_id, e.parent_run_id, e.memo, e.search_attributes, e.first_run_id";

    private readonly SqliteStore store;
    private readonly ILogger<VisibilityService> log;
    private readonly VisibilityReader reader;
    private WorkflowEngine? engine;

    public VisibilityService(SqliteStore store, ILogger<VisibilityService> log)
    {
        this.store = store;
        this.log = log;
        Registry = new SearchAttributeRegistry();
        Validator = new SearchAttributeValidator(Registry);
        Indexer = new SearchAttributeIndexer(Registry);
        store.Exec(VisibilitySchema.Sql);
        Registry.Load(store.Connection);
        SeedDefaultAttributes();
        RebuildIndexIfNeeded();
        reader = new VisibilityReader(store.Connection.DataSource);
    }

    /// <summary>
    /// A new database gets the custom attributes a Temporal development server registers in
    /// "default" (CustomKeywordField, CustomIntField, ...), so code written against one works here.
    /// </summary>
    private void SeedDefaultAttributes()
    {
        if (Registry.Custom("default").Count > 0) return;
        using (var cmd = store.Connection.CreateCommand())
        {
            cmd.CommandText = "SELECT EXISTS(SELECT 1 FROM executions)";
            if (Convert.ToInt64(cmd.ExecuteScalar()) != 0) return;
        }
        Registry.Add(store.Connection, "default", new Dictionary<string, Temporalio.Api.Enums.V1.IndexedValueType>
        {
            ["CustomKeywordField"] = Temporalio.Api.Enums.V1.IndexedValueType.Keyword,
            ["CustomStringField"] = Temporalio.Api.Enums.V1.IndexedValueType.Text,
            ["CustomTextField"] = Temporalio.Api.Enums.V1.IndexedValueType.Text,
            ["CustomIntField"] = Temporalio.Api.Enums.V1.IndexedValueType.Int,
            ["CustomDoubleField"] = Temporalio.Api.Enums.V1.IndexedValueType.Double,
            ["CustomBoolField"] = Temporalio.Api.Enums.V1.IndexedValueType.Bool,
            ["CustomDatetimeField"] = Temporalio.Api.Enums.V1.IndexedValueType.Datetime,
        });
    }

    public SearchAttributeRegistry Registry { get; }
    public SearchAttributeValidator Validator { get; }
    public SearchAttributeIndexer Indexer { get; }

    private WorkflowEngine Engine => engine ?? throw new InvalidOperationException("Visibility is not attached to the engine.");

    /// <summary>Hooks search attribute validation and indexing into the engine.</summary>
    public void Attach(WorkflowEngine engine)
    {
        this.engine = engine;
        engine.OnSave = Indexer.OnSave;
        engine.ValidateSearchAttributes = Validator.Validate;
    }

    private void RebuildIndexIfNeeded()
    {
        using var get = store.Connection.CreateCommand();
        get.CommandText = "SELECT value FROM visibility_meta WHERE key='index_version'";
        if (get.ExecuteScalar() as string == VisibilitySchema.IndexVersion) return;
        var n = Indexer.Rebuild(store.Connection);
        using var set = store.Connection.CreateCommand();
        set.CommandText = "INSERT INTO visibility_meta(key, value) VALUES('index_version', $v) ON CONFLICT(key) DO UPDATE SET value=excluded.value";
        set.Parameters.AddWithValue("$v", VisibilitySchema.IndexVersion);
        set.ExecuteNonQuery();
        if (n > 0) log.LogInformation("Indexed the search attributes of {Count} runs", n);
    }

    // ---- query entry points ----

    public ListWorkflowExecutionsResponse List(ListWorkflowExecutionsRequest r)
    {
        var (infos, next) = Page(r.Namespace, r.Query, r.PageSize, r.NextPageToken);
        var resp = new ListWorkflowExecutionsResponse { NextPageToken = next };
        resp.Executions.AddRange(infos);
        return resp;
    }

    public ScanWorkflowExecutionsResponse Scan(ScanWorkflowExecutionsRequest r)
    {
        var (infos, next) = Page(r.Namespace, r.Query, r.PageSize, r.NextPageToken);
        var resp = new ScanWorkflowExecutionsResponse { NextPageToken = next };
        resp.Executions.AddRange(infos);
        return resp;
    }

    public CountWorkflowExecutionsResponse Count(CountWorkflowExecutionsRequest r)
    {
        var watch = Stopwatch.StartNew();
        Engine.Namespaces.Get(r.Namespace);
        var sql = Translate(r.Namespace, r.Query, SqlTranslator.Purpose.Count);
        var resp = reader.Run(conn =>
        {
            using var cmd = Command(conn, sql.GroupByStatus
                ? $"SELECT e.status, COUNT(*) AS n FROM executions e WHERE {sql.Where} GROUP BY e.status ORDER BY n DESC, e.status"
                : $"SELECT COUNT(*) FROM executions e WHERE {sql.Where}", sql.Parameters);
            var result = new CountWorkflowExecutionsResponse();
            if (!sql.GroupByStatus)
            {
                result.Count = Convert.ToInt64(cmd.ExecuteScalar());
                return result;
            }
            using var rd = cmd.ExecuteReader();
            while (rd.Read())
            {
                var group = new CountWorkflowExecutionsResponse.Types.AggregationGroup { Count = rd.GetInt64(1) };
                group.GroupValues.Add(KeywordPayload(SystemAttributes.StatusName((WorkflowExecutionStatus)rd.GetInt32(0))));
                result.Groups.Add(group);
                result.Count += group.Count;
            }
            return result;
        });
        log.LogDebug("Count '{Query}' took {Ms} ms", r.Query, watch.Elapsed.TotalMilliseconds);
        return resp;
    }

    public ListOpenWorkflowExecutionsResponse ListOpen(ListOpenWorkflowExecutionsRequest r)
    {
        var filters = new List<QueryExpr> { Eq("ExecutionStatus", "Running") };
        AddTimeFilter(filters, "StartTime", r.StartTimeFilter);
        if (r.ExecutionFilter is { } ef) AddExecutionFilter(filters, ef);
        if (r.TypeFilter is { Name.Length: > 0 } tf) filters.Add(Eq("WorkflowType", tf.Name));
        var query = new VisibilityQuery(And(filters), new[] { new OrderTerm(new AttributeRef("StartTime", 0), true) }, Array.Empty<AttributeRef>());
        var (infos, next) = Page(r.Namespace, query, "legacy-open:" + Fingerprint(r.Clone(), c => { c.NextPageToken = ByteString.Empty; c.MaximumPageSize = 0; }),
            r.MaximumPageSize, r.NextPageToken, "");
        var resp = new ListOpenWorkflowExecutionsResponse { NextPageToken = next };
        resp.Executions.AddRange(infos);
        return resp;
    }

    public ListClosedWorkflowExecutionsResponse ListClosed(ListClosedWorkflowExecutionsRequest r)
    {
        var filters = new List<QueryExpr>();
        if (r.StatusFilter is { Status: not WorkflowExecutionStatus.Unspecified } sf)
        {
            if (sf.Status == WorkflowExecutionStatus.Running) throw ServerErrors.InvalidArgument("StatusFilter of ListClosedWorkflowExecutions cannot be Running.");
            filters.Add(Eq("ExecutionStatus", SystemAttributes.StatusName(sf.Status)));
        }
        else filters.Add(new CompareExpr(new AttributeRef("ExecutionStatus", 0), CompareOp.NotEqual, new Literal(LiteralKind.String, "Running", 0)));
        // Closed runs are filtered and ordered by their close time, as Temporal does.
        AddTimeFilter(filters, "CloseTime", r.StartTimeFilter);
        if (r.ExecutionFilter is { } ef) AddExecutionFilter(filters, ef);
        if (r.TypeFilter is { Name.Length: > 0 } tf) filters.Add(Eq("WorkflowType", tf.Name));
        var query = new VisibilityQuery(And(filters), new[] { new OrderTerm(new AttributeRef("CloseTime", 0), true) }, Array.Empty<AttributeRef>());
        var (infos, next) = Page(r.Namespace, query, "legacy-closed:" + Fingerprint(r.Clone(), c => { c.NextPageToken = ByteString.Empty; c.MaximumPageSize = 0; }),
            r.MaximumPageSize, r.NextPageToken, "");
        var resp = new ListClosedWorkflowExecutionsResponse { NextPageToken = next };
        resp.Executions.AddRange(infos);
        return resp;
    }

    private static string Fingerprint<T>(T request, Action<T> clear) where T : IMessage
    {
        clear(request);
        return Convert.ToBase64String(request.ToByteArray());
    }

    private static QueryExpr Eq(string name, string value) =>
        new CompareExpr(new AttributeRef(name, 0), CompareOp.Equal, new Literal(LiteralKind.String, value, 0));

    private static QueryExpr? And(List<QueryExpr> filters) =>
        filters.Count == 0 ? null : filters.Skip(1).Aggregate(filters[0], (a, b) => new AndExpr(a, b));

    private static void AddTimeFilter(List<QueryExpr> filters, string attribute, Temporalio.Api.Filter.V1.StartTimeFilter? f)
    {
        if (f == null) return;
        Literal Nanos(Google.Protobuf.WellKnownTypes.Timestamp t) =>
            new(LiteralKind.Integer, (t.Seconds * 1_000_000_000L + t.Nanos).ToString(System.Globalization.CultureInfo.InvariantCulture), 0);
        var name = new AttributeRef(attribute, 0);
        if (f.EarliestTime is { } e && (e.Seconds != 0 || e.Nanos != 0)) filters.Add(new CompareExpr(name, CompareOp.GreaterOrEqual, Nanos(e)));
        if (f.LatestTime is { } l && (l.Seconds != 0 || l.Nanos != 0)) filters.Add(new CompareExpr(name, CompareOp.LessOrEqual, Nanos(l)));
    }

    private static void AddExecutionFilter(List<QueryExpr> filters, Temporalio.Api.Filter.V1.WorkflowExecutionFilter ef)
    {
        if (ef.WorkflowId.Length > 0) filters.Add(Eq("WorkflowId", ef.WorkflowId));
        if (ef.RunId.Length > 0) filters.Add(Eq("RunId", ef.RunId));
    }

    // ---- paging ----

    private (List<WorkflowExecutionInfo>, ByteString) Page(string ns, string? query, int pageSize, ByteString token) =>
        Page(ns, Parse(query), query ?? "", pageSize, token, query ?? "");

    /// <summary>
    /// One page in sort order. <paramref name="fingerprintText"/> identifies the query for its
    /// page tokens; <paramref name="queryText"/> is what error positions refer to.
    /// </summary>
    private (List<WorkflowExecutionInfo>, ByteString) Page(string ns, VisibilityQuery query, string fingerprintText, int pageSize,
        ByteString token, string queryText)
    {
        var watch = Stopwatch.StartNew();
        var nsEntry = Engine.Namespaces.Get(ns);
        if (pageSize < 0) throw ServerErrors.InvalidArgument($"PageSize must not be negative, not {pageSize}.");
        var size = pageSize == 0 ? DefaultPageSize : Math.Min(pageSize, MaxPageSize);
        SqlQuery sql;
        try { sql = SqlTranslator.Translate(query, queryText, ns, Registry, SqlTranslator.Purpose.List); }
        catch (QueryException ex) { throw ServerErrors.InvalidArgument(ex.Message); }
        var fingerprint = PageToken.FingerprintOf(ns, fingerprintText);
        var parameters = new Dictionary<string, object>(sql.Parameters);
        var where = sql.Where;
        if (token is { IsEmpty: false })
            where += " AND " + Keyset.After(sql.Sort, PageToken.Decode(token, fingerprint, sql.Sort).Keys, parameters);
        parameters["$limit"] = (long)size + 1;
        var keys = string.Join(", ", sql.Sort.Select(k => k.Sql));
        var order = string.Join(", ", sql.Sort.Select(k => k.Sql + (k.Descending ? " DESC" : " ASC")));
        // Two phases in one snapshot: the page's keys first, which an index usually covers,
        // then only those rows. Reading whole rows while scanning would pull in every
        // skipped run's (large) state as well.
        var findKeys = $"SELECT e.run_id, {keys} FROM executions e WHERE {where} ORDER BY {order} LIMIT $limit";
        var (infos, lastKeys) = reader.Run(conn =>
        {
            using var snapshot = conn.BeginTransaction(deferred: true);
            var runIds = new List<string>();
            var keysOf = new List<object?[]>();
            var more = false;
            using (var cmd = Command(conn, findKeys, parameters))
            using (var rd = cmd.ExecuteReader())
            {
                while (rd.Read())
                {
                    if (runIds.Count == size) { more = true; break; }
                    runIds.Add(rd.GetString(0));
                    var k = new object?[sql.Sort.Count];
                    for (var i = 0; i < sql.Sort.Count; i++) k[i] = rd.IsDBNull(1 + i) ? null : rd.GetValue(1 + i);
                    keysOf.Add(k);
                }
            }
            var byRunId = new Dictionary<string, WorkflowExecutionInfo>(runIds.Count);
            var page = new List<WorkflowExecutionInfo>(runIds.Count);
            var bytes = 0;
            // Rows in page order, a chunk at a time, until the page is full or too big.
            for (var start = 0; start < runIds.Count && page.Count == start; start += 200)
            {
                var chunk = runIds.Skip(start).Take(200).ToArray();
                var rowParams = new Dictionary<string, object> { ["$ns"] = ns };
                for (var i = 0; i < chunk.Length; i++) rowParams["$r" + i] = chunk[i];
                var fetch = $"SELECT {Columns} FROM executions e WHERE e.ns = $ns AND e.run_id IN ({string.Join(", ", Enumerable.Range(0, chunk.Length).Select(i => "$r" + i))})";
                using (var cmd = Command(conn, fetch, rowParams))
                using (var rd = cmd.ExecuteReader())
                    while (rd.Read()) byRunId[rd.GetString(1)] = ToInfo(rd, nsEntry.Id);
                foreach (var id in chunk)
                {
                    var info = byRunId[id];
                    bytes += info.CalculateSize();
                    if (page.Count > 0 && bytes > MaxPageBytes) { more = true; break; }
                    page.Add(info);
                }
            }
            snapshot.Commit();
            if (page.Count < runIds.Count) more = true;
            return (page, more && page.Count > 0 ? keysOf[page.Count - 1] : null);
        });
        var next = lastKeys == null ? ByteString.Empty : new PageToken(fingerprint, lastKeys).Encode();
        log.LogDebug("List '{Query}' returned {Count} rows in {Ms} ms", queryText, infos.Count, watch.Elapsed.TotalMilliseconds);
        return (infos, next);
    }

    private static VisibilityQuery Parse(string? query)
    {
        try { return QueryParser.Parse(query); }
        catch (QueryException ex) { throw ServerErrors.InvalidArgument(ex.Message); }
    }

    private SqlQuery Translate(string ns, string? query, SqlTranslator.Purpose purpose)
    {
        try { return SqlTranslator.Translate(QueryParser.Parse(query), query ?? "", ns, Registry, purpose); }
        catch (QueryException ex) { throw ServerErrors.InvalidArgument(ex.Message); }
    }

    private static SqliteCommand Command(SqliteConnection conn, string text, IReadOnlyDictionary<string, object> parameters)
    {
        var cmd = conn.CreateCommand();
        cmd.CommandText = text;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        return cmd;
    }

    private static WorkflowExecutionInfo ToInfo(SqliteDataReader rd, string namespaceId)
    {
        var start = rd.GetInt64(5);
        var exec = rd.GetInt64(6);
        var info = new WorkflowExecutionInfo
        {
            Execution = new() { WorkflowId = rd.GetString(0), RunId = rd.GetString(1) },
            Status = (WorkflowExecutionStatus)rd.GetInt32(2),
            Type = new() { Name = rd.GetString(3) },
            TaskQueue = rd.GetString(4),
            StartTime = Clock.Ts(start),
            ExecutionTime = Clock.Ts(exec),
            HistoryLength = rd.GetInt64(8),
            Memo = rd.IsDBNull(11) ? new Memo() : Memo.Parser.ParseFrom((byte[])rd[11]),
            SearchAttributes = rd.IsDBNull(12) ? new SearchAttributes() : SearchAttributes.Parser.ParseFrom((byte[])rd[12]),
            FirstRunId = rd.IsDBNull(13) ? "" : rd.GetString(13),
        };
        if (!rd.IsDBNull(7))
        {
            var close = rd.GetInt64(7);
            info.CloseTime = Clock.Ts(close);
            info.ExecutionDuration = Clock.Dur(Math.Max(0, close - exec));
        }
        if (!rd.IsDBNull(9))
        {
            info.ParentNamespaceId = namespaceId;
            info.ParentExecution = new() { WorkflowId = rd.GetString(9), RunId = rd.IsDBNull(10) ? "" : rd.GetString(10) };
        }
        return info;
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

    // ---- search attribute registry ----

    /// <summary>OperatorService AddSearchAttributes (under the engine lock, like every write).</summary>
    public Task AddSearchAttributesAsync(string ns, IReadOnlyDictionary<string, IndexedValueType> attributes)
    {
        RequireNamespace(ns);
        return Engine.ReadAsync(() => { Registry.Add(store.Connection, ns, attributes); return true; });
    }

    /// <summary>OperatorService RemoveSearchAttributes.</summary>
    public Task RemoveSearchAttributesAsync(string ns, IReadOnlyCollection<string> names)
    {
        RequireNamespace(ns);
        return Engine.ReadAsync(() => { Registry.Remove(store.Connection, ns, names); return true; });
    }

    /// <summary>Every attribute of a namespace with its type: system, predefined and custom.</summary>
    public (Dictionary<string, IndexedValueType> System, IReadOnlyDictionary<string, IndexedValueType> Custom) Attributes(string ns)
    {
        RequireNamespace(ns);
        var system = SystemAttributes.Columns.Values.ToDictionary(a => a.Name, a => a.Type);
        foreach (var (name, type) in SystemAttributes.Predefined) system[name] = type;
        return (system, Registry.Custom(ns));
    }

    private void RequireNamespace(string ns)
    {
        WorkflowEngine.Require(ns, "Namespace");
        Engine.Namespaces.Get(ns);
    }

    public void Dispose() => reader.Dispose();
}
