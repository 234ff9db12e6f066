using System.Text.Json;
using Google.Protobuf;
using Kubiya.Server.Engine;
using Microsoft.Data.Sqlite;
using Temporalio.Api.History.V1;

namespace Kubiya.Server.Storage;

/// <summary>
/// SQLite persistence for runs, their history and visibility columns. One connection, used
/// only under the engine lock; every engine transition is committed as one transaction.
/// </summary>
public sealed class SqliteStore : IDisposable
{
    private readonly SqliteConnection conn;
    private readonly FileStream ownerLock;
    private PreparedCommand? begin, commit, rollback;
    private PreparedCommand? insertExecution, updateExecution, updateState, upsertCurrent, selectState, selectHistory, selectCurrent, savepoint, release, rollbackTo;

    /// <summary>Opens (creating when absent) the database at <paramref name="path"/>.</summary>
    public SqliteStore(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        // One server per database: a second server on the same file would believe it owns the
        // same executions. The lock is released by the OS even on kill -9.
        StorageCheck.FolderIsWritable(path);
        try
        {
            ownerLock = new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new StorageNotWritableException($"Cannot write the database's lock file '{path}.lock': {ex.Message}", ex);
        }
        catch (IOException ex) when (StorageCheck.IsReadOnlyFileSystem(ex))
        {
            throw new StorageNotWritableException($"The file system holding '{path}' is read-only; the server needs to write its database there.", ex);
        }
        catch (IOException ex)
        {
            throw new DatabaseInUseException(path, ex);
        }
        conn = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 2, // seconds of busy retry: only another process holding the file makes us wait
        }.ToString());
        try
        {
            conn.Open();
            // WAL + NORMAL: a committed transaction survives the process being killed (kill -9);
            // only an OS crash or power loss could drop the last few commits. Checkpoints every 4000
            // pages (16 MB of WAL) instead of 1000: a page rewritten by many commits is copied back
            // once per checkpoint, so the server writes about 6 % fewer bytes per execution.
            Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=1000; PRAGMA foreign_keys=OFF; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-32000; PRAGMA wal_autocheckpoint=4000;");
            Exec(Schema.Sql);
            // A read-only database file opens fine and fails every later write: find out now.
            StorageCheck.CanWrite(this, path);
        }
        catch (SqliteException ex) when (StorageCheck.IsReadOnly(ex))
        {
            conn.Dispose();
            ownerLock.Dispose();
            throw new StorageNotWritableException($"The database file '{path}' (or its -wal / -shm file) is read-only; make it writable by this account.", ex);
        }
    }

    /// <summary>The raw connection, for the visibility query layer (read-only use under the engine lock).</summary>
    public SqliteConnection Connection => conn;

    public void Exec(string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// Begins the batch's transaction. Kept BEGIN / COMMIT statements, not a SqliteTransaction:
    /// that one compiles both statements again for every batch. Commands on the connection run
    /// inside it without enlisting, as Microsoft.Data.Sqlite sees no transaction of its own.
    /// </summary>
    public void Begin() => Kept(ref begin, "BEGIN").Command.ExecuteNonQuery();

    /// <summary>Commits the batch's transaction; once this returns, its transitions survive a kill -9.</summary>
    public void Commit() => Kept(ref commit, "COMMIT").Command.ExecuteNonQuery();

    /// <summary>Rolls back the transaction in progress, if SQLite still holds one open (a failed COMMIT may have ended it).</summary>
    public void RollbackIfOpen()
    {
        if (InTransaction)
            Kept(ref rollback, "ROLLBACK").Command.ExecuteNonQuery();
    }

    /// <summary>Whether a transaction is open on the connection (SQLite ends one by itself on some errors).</summary>
    public bool InTransaction => conn.Handle is { } db && SQLitePCL.raw.sqlite3_get_autocommit(db) == 0;

    /// <summary>Opens a savepoint for one transition inside the current transaction.</summary>
    public void Savepoint() => Kept(ref savepoint, "SAVEPOINT transition").Command.ExecuteNonQuery();

    /// <summary>Keeps the transition's writes in the enclosing transaction.</summary>
    public void ReleaseSavepoint() => Kept(ref release, "RELEASE transition").Command.ExecuteNonQuery();

    /// <summary>Undoes the transition's writes, keeping the rest of the transaction.</summary>
    public void RollbackToSavepoint()
    {
        Kept(ref rollbackTo, "ROLLBACK TO transition").Command.ExecuteNonQuery();
        ReleaseSavepoint();
    }

    private PreparedCommand Kept(ref PreparedCommand? slot, string sql, params (string, SqliteType)[] parameters) =>
        (slot ??= new PreparedCommand(conn, sql, parameters));

    public IEnumerable<(string Name, string Id, byte[]? Data)> LoadNamespaces()
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT name, id, data FROM namespaces";
        using var r = cmd.ExecuteReader();
        var list = new List<(string, string, byte[]?)>();
        while (r.Read()) list.Add((r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : (byte[])r[2]));
        return list;
    }

    public void SaveNamespace(string name, string id, byte[]? data)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "INSERT INTO namespaces(name, id, data) VALUES($n,$i,$d) ON CONFLICT(name) DO UPDATE SET data=excluded.data";
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$i", id);
        cmd.Parameters.AddWithValue("$d", (object?)data ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    /// <summary>The run id currently associated with a workflow id, if any.</summary>
    public string? LoadCurrentRunId(string ns, string workflowId) =>
        Kept(ref selectCurrent, "SELECT run_id FROM current_executions WHERE ns=$ns AND workflow_id=$w", ("$ns", SqliteType.Text), ("$w", SqliteType.Text))
            .Set("$ns", ns).Set("$w", workflowId).Command.ExecuteScalar() as string;

    public ExecutionState? LoadState(string ns, string runId)
    {
        var blob = Kept(ref selectState, "SELECT state FROM executions WHERE ns=$ns AND run_id=$r", ("$ns", SqliteType.Text), ("$r", SqliteType.Text))
            .Set("$ns", ns).Set("$r", runId).Command.ExecuteScalar() as byte[];
        return blob == null ? null : JsonSerializer.Deserialize<ExecutionState>(blob, StateJson.Options);
    }

    public List<HistoryEvent> LoadHistory(string runId)
    {
        using var r = Kept(ref selectHistory, "SELECT data FROM history WHERE run_id=$r ORDER BY event_id", ("$r", SqliteType.Text))
            .Set("$r", runId).Command.ExecuteReader();
        var list = new List<HistoryEvent>();
        while (r.Read()) list.Add(HistoryEvent.Parser.ParseFrom((byte[])r[0]));
        return list;
    }

    /// <summary>(namespace, run id) of every run that is still open, to resume after a restart.</summary>
    public List<(string Ns, string RunId)> LoadOpenRunIds()
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT ns, run_id FROM executions WHERE status=1";
        using var r = cmd.ExecuteReader();
        var list = new List<(string, string)>();
        while (r.Read()) list.Add((r.GetString(0), r.GetString(1)));
        return list;
    }

    /// <summary>
    /// Writes a run's state, its visibility columns and its new history events. When no visibility
    /// column changed since the last save, only the state and history length are written, so the
    /// visibility indexes on those columns are not rewritten by every transition.
    /// </summary>
    public void SaveExecution(Execution e, bool isNew)
    {
        var s = e.State;
        var visibility = new SavedVisibility(s.Status, s.CloseTimeMs, s.TaskQueue, s.ExecutionTimeMs, s.Memo, s.SearchAttributes);
        var state = JsonSerializer.SerializeToUtf8Bytes(s, StateJson.Options);
        if (isNew)
        {
            Kept(ref insertExecution,
                    @"INSERT INTO executions(ns, workflow_id, run_id, state, status, workflow_type, task_queue, start_time, execution_time, close_time, history_length, parent_workflow_id, parent_run_id, memo, search_attributes, first_run_id)
                      VALUES($ns,$w,$r,$s,$st,$wt,$tq,$start,$exec,$close,$hl,$pw,$pr,$memo,$sa,$fr)",
                    ("$ns", SqliteType.Text), ("$w", SqliteType.Text), ("$r", SqliteType.Text), ("$s", SqliteType.Blob), ("$st", SqliteType.Integer),
                    ("$wt", SqliteType.Text), ("$tq", SqliteType.Text), ("$start", SqliteType.Integer), ("$exec", SqliteType.Integer), ("$close", SqliteType.Integer),
                    ("$hl", SqliteType.Integer), ("$pw", SqliteType.Text), ("$pr", SqliteType.Text), ("$memo", SqliteType.Blob), ("$sa", SqliteType.Blob), ("$fr", SqliteType.Text))
                .Set("$ns", s.Namespace).Set("$w", s.WorkflowId).Set("$r", s.RunId).Set("$s", state).Set("$st", s.Status)
                .Set("$wt", s.WorkflowType).Set("$tq", s.TaskQueue).Set("$start", s.StartTimeMs).Set("$exec", s.ExecutionTimeMs).Set("$close", s.CloseTimeMs)
                .Set("$hl", s.NextEventId - 1).Set("$pw", s.Parent?.WorkflowId).Set("$pr", s.Parent?.RunId).Set("$memo", s.Memo).Set("$sa", s.SearchAttributes)
                .Set("$fr", s.FirstRunId).Command.ExecuteNonQuery();
            Kept(ref upsertCurrent,
                    "INSERT INTO current_executions(ns, workflow_id, run_id) VALUES($ns,$w,$r) ON CONFLICT(ns, workflow_id) DO UPDATE SET run_id=excluded.run_id",
                    ("$ns", SqliteType.Text), ("$w", SqliteType.Text), ("$r", SqliteType.Text))
                .Set("$ns", s.Namespace).Set("$w", s.WorkflowId).Set("$r", s.RunId).Command.ExecuteNonQuery();
        }
        else if (e.SavedVisibility is { } saved && saved.Same(visibility))
        {
            Kept(ref updateState, "UPDATE executions SET state=$s, history_length=$hl WHERE ns=$ns AND run_id=$r",
                    ("$s", SqliteType.Blob), ("$hl", SqliteType.Integer), ("$ns", SqliteType.Text), ("$r", SqliteType.Text))
                .Set("$s", state).Set("$hl", s.NextEventId - 1).Set("$ns", s.Namespace).Set("$r", s.RunId).Command.ExecuteNonQuery();
        }
        else
        {
            Kept(ref updateExecution,
                    @"UPDATE executions SET state=$s, status=$st, close_time=$close, history_length=$hl, memo=$memo, search_attributes=$sa, task_queue=$tq, execution_time=$exec
                      WHERE ns=$ns AND run_id=$r",
                    ("$s", SqliteType.Blob), ("$st", SqliteType.Integer), ("$close", SqliteType.Integer), ("$hl", SqliteType.Integer), ("$memo", SqliteType.Blob),
                    ("$sa", SqliteType.Blob), ("$tq", SqliteType.Text), ("$exec", SqliteType.Integer), ("$ns", SqliteType.Text), ("$r", SqliteType.Text))
                .Set("$s", state).Set("$st", s.Status).Set("$close", s.CloseTimeMs).Set("$hl", s.NextEventId - 1).Set("$memo", s.Memo)
                .Set("$sa", s.SearchAttributes).Set("$tq", s.TaskQueue).Set("$exec", s.ExecutionTimeMs).Set("$ns", s.Namespace).Set("$r", s.RunId)
                .Command.ExecuteNonQuery();
        }
        InsertHistory(s.RunId, e.History, e.PersistedEvents);
        e.OnSaveHook?.Invoke(this, e);
        // Recorded now, trusted only once the transaction commits (a failed commit drops the run from the cache).
        e.SavedVisibility = visibility;
    }

    /// <summary>Most history rows one INSERT writes; a transition's events (usually 1-3) go in one statement.</summary>
    private const int HistoryRowsPerInsert = 8;

    /// <summary>Kept multi-row history INSERTs, by row count (index 0 unused).</summary>
    private readonly PreparedCommand?[] insertHistory = new PreparedCommand?[HistoryRowsPerInsert + 1];

    /// <summary>Writes the events from <paramref name="from"/> on, up to <see cref="HistoryRowsPerInsert"/> rows per statement.</summary>
    private void InsertHistory(string runId, List<HistoryEvent> history, int from)
    {
        for (var i = from; i < history.Count;)
        {
            var rows = Math.Min(HistoryRowsPerInsert, history.Count - i);
            var ins = insertHistory[rows] ??= HistoryInsert(rows);
            ins.Set("$r", runId);
            for (var k = 0; k < rows; k++, i++)
                ins.Set(HistoryIdParameters[k], history[i].EventId).Set(HistoryDataParameters[k], history[i].ToByteArray());
            ins.Command.ExecuteNonQuery();
        }
    }

    private static readonly string[] HistoryIdParameters = Enumerable.Range(0, HistoryRowsPerInsert).Select(k => "$id" + k).ToArray();
    private static readonly string[] HistoryDataParameters = Enumerable.Range(0, HistoryRowsPerInsert).Select(k => "$d" + k).ToArray();

    private PreparedCommand HistoryInsert(int rows)
    {
        var values = string.Join(",", Enumerable.Range(0, rows).Select(k => $"($r,{HistoryIdParameters[k]},{HistoryDataParameters[k]})"));
        var parameters = new List<(string, SqliteType)> { ("$r", SqliteType.Text) };
        for (var k = 0; k < rows; k++)
        {
            parameters.Add((HistoryIdParameters[k], SqliteType.Integer));
            parameters.Add((HistoryDataParameters[k], SqliteType.Blob));
        }
        return new PreparedCommand(conn, "INSERT INTO history(run_id, event_id, data) VALUES" + values, parameters.ToArray());
    }

    public void Dispose()
    {
        foreach (var c in insertHistory) c?.Dispose();
        foreach (var c in new[] { begin, commit, rollback, insertExecution, updateExecution, updateState, upsertCurrent, selectState, selectHistory, selectCurrent, savepoint, release, rollbackTo }) c?.Dispose();
        conn.Dispose();
        ownerLock.Dispose();
    }
}

/// <summary>The visibility columns of a run as last written, to tell whether a save must rewrite them.</summary>
public sealed record SavedVisibility(int Status, long? CloseTimeMs, string TaskQueue, long ExecutionTimeMs, byte[]? Memo, byte[]? SearchAttributes)
{
    /// <summary>Whether <paramref name="other"/> holds the same column values.</summary>
    public bool Same(SavedVisibility other) =>
        Status == other.Status && CloseTimeMs == other.CloseTimeMs && TaskQueue == other.TaskQueue && ExecutionTimeMs == other.ExecutionTimeMs &&
        SameBytes(Memo, other.Memo) && SameBytes(SearchAttributes, other.SearchAttributes);

    private static bool SameBytes(byte[]? a, byte[]? b) => a == null ? b == null : b != null && a.AsSpan().SequenceEqual(b);
}

/// <summary>Another server process holds the database.</summary>
public sealed class DatabaseInUseException(string path, Exception inner)
    : IOException($"Database '{path}' is in use by another Kubiya.Server process.", inner);
