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
    private static readonly JsonSerializerOptions Json = new() { IncludeFields = false };
    private readonly SqliteConnection conn;
    private readonly FileStream ownerLock;

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
            // only an OS crash or power loss could drop the last few commits.
            Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=1000; PRAGMA foreign_keys=OFF; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-32000;");
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

    public SqliteTransaction Begin() => conn.BeginTransaction();

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
    public string? LoadCurrentRunId(string ns, string workflowId)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT run_id FROM current_executions WHERE ns=$ns AND workflow_id=$w";
        cmd.Parameters.AddWithValue("$ns", ns);
        cmd.Parameters.AddWithValue("$w", workflowId);
        return cmd.ExecuteScalar() as string;
    }

    public ExecutionState? LoadState(string ns, string runId)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT state FROM executions WHERE ns=$ns AND run_id=$r";
        cmd.Parameters.AddWithValue("$ns", ns);
        cmd.Parameters.AddWithValue("$r", runId);
        var blob = cmd.ExecuteScalar() as byte[];
        return blob == null ? null : JsonSerializer.Deserialize<ExecutionState>(blob, Json);
    }

    public List<HistoryEvent> LoadHistory(string runId)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT data FROM history WHERE run_id=$r ORDER BY event_id";
        cmd.Parameters.AddWithValue("$r", runId);
        using var r = cmd.ExecuteReader();
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

    /// <summary>Writes a run's state, its visibility columns and its new history events.</summary>
    public void SaveExecution(Execution e, bool isNew)
    {
        var s = e.State;
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = isNew
                ? @"INSERT INTO executions(ns, workflow_id, run_id, state, status, workflow_type, task_queue, start_time, execution_time, close_time, history_length, parent_workflow_id, parent_run_id, memo, search_attributes, first_run_id)
                    VALUES($ns,$w,$r,$s,$st,$wt,$tq,$start,$exec,$close,$hl,$pw,$pr,$memo,$sa,$fr)"
                : @"UPDATE executions SET state=$s, status=$st, close_time=$close, history_length=$hl, memo=$memo, search_attributes=$sa, task_queue=$tq, execution_time=$exec
                    WHERE ns=$ns AND run_id=$r";
            cmd.Parameters.AddWithValue("$ns", s.Namespace);
            cmd.Parameters.AddWithValue("$w", s.WorkflowId);
            cmd.Parameters.AddWithValue("$r", s.RunId);
            cmd.Parameters.AddWithValue("$s", JsonSerializer.SerializeToUtf8Bytes(s, Json));
            cmd.Parameters.AddWithValue("$st", s.Status);
            cmd.Parameters.AddWithValue("$wt", s.WorkflowType);
            cmd.Parameters.AddWithValue("$tq", s.TaskQueue);
            cmd.Parameters.AddWithValue("$start", s.StartTimeMs);
            cmd.Parameters.AddWithValue("$exec", s.ExecutionTimeMs);
            cmd.Parameters.AddWithValue("$close", (object?)s.CloseTimeMs ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$hl", s.NextEventId - 1);
            cmd.Parameters.AddWithValue("$pw", (object?)s.Parent?.WorkflowId ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$pr", (object?)s.Parent?.RunId ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$memo", (object?)s.Memo ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$sa", (object?)s.SearchAttributes ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$fr", s.FirstRunId);
            cmd.ExecuteNonQuery();
        }
        if (isNew)
        {
            using var cur = conn.CreateCommand();
            cur.CommandText = "INSERT INTO current_executions(ns, workflow_id, run_id) VALUES($ns,$w,$r) ON CONFLICT(ns, workflow_id) DO UPDATE SET run_id=excluded.run_id";
            cur.Parameters.AddWithValue("$ns", s.Namespace);
            cur.Parameters.AddWithValue("$w", s.WorkflowId);
            cur.Parameters.AddWithValue("$r", s.RunId);
            cur.ExecuteNonQuery();
        }
        if (e.PersistedEvents < e.History.Count)
        {
            using var ins = conn.CreateCommand();
            ins.CommandText = "INSERT INTO history(run_id, event_id, data) VALUES($r,$id,$d)";
            var pr = ins.Parameters.Add("$r", SqliteType.Text);
            var pid = ins.Parameters.Add("$id", SqliteType.Integer);
            var pd = ins.Parameters.Add("$d", SqliteType.Blob);
            pr.Value = s.RunId;
            for (var i = e.PersistedEvents; i < e.History.Count; i++)
            {
                pid.Value = e.History[i].EventId;
                pd.Value = e.History[i].ToByteArray();
                ins.ExecuteNonQuery();
            }
        }
        e.OnSaveHook?.Invoke(this, e);
    }

    public void Dispose()
    {
        conn.Dispose();
        ownerLock.Dispose();
    }
}

/// <summary>Another server process holds the database.</summary>
public sealed class DatabaseInUseException(string path, Exception inner)
    : IOException($"Database '{path}' is in use by another Kubiya.Server process.", inner);
