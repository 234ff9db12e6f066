using System.Text.Json;
using Kubiya.Server.Engine.Standalone;

namespace Kubiya.Server.Storage;

/// <summary>
/// Tables of standalone activity executions, on the engine's connection and lock: one row per
/// run (JSON state plus the columns visibility queries read) and the current run of each
/// activity id. Column names follow the executions table where the meaning is the same
/// (start_time is the schedule time), so the visibility query translator serves both.
/// </summary>
public static class ActivityExecutionStore
{
    private const string Sql = @"
CREATE TABLE IF NOT EXISTS activity_executions(
  ns TEXT NOT NULL,
  activity_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  state BLOB NOT NULL,
  status INTEGER NOT NULL,
  activity_type TEXT NOT NULL,
  task_queue TEXT NOT NULL,
  start_time INTEGER NOT NULL,
  execution_time INTEGER NOT NULL,
  close_time INTEGER,
  state_transitions INTEGER NOT NULL,
  search_attributes BLOB,
  PRIMARY KEY(ns, run_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_act_id ON activity_executions(ns, activity_id, start_time);
CREATE INDEX IF NOT EXISTS ix_act_status ON activity_executions(ns, status, start_time);
CREATE INDEX IF NOT EXISTS ix_act_start ON activity_executions(ns, start_time);
CREATE INDEX IF NOT EXISTS ix_act_type ON activity_executions(ns, activity_type, start_time);
CREATE TABLE IF NOT EXISTS current_activity_executions(
  ns TEXT NOT NULL,
  activity_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  PRIMARY KEY(ns, activity_id)) WITHOUT ROWID;";

    private static readonly JsonSerializerOptions Json = new();

    public static void EnsureSchema(SqliteStore store) => store.Exec(Sql);

    public static void Save(SqliteStore store, ActivityExecutionRecord r)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = @"INSERT INTO activity_executions(ns, activity_id, run_id, state, status, activity_type, task_queue, start_time, execution_time, close_time, state_transitions, search_attributes)
VALUES($ns,$a,$r,$s,$st,$t,$q,$start,$exec,$close,$n,$sa)
ON CONFLICT(ns, run_id) DO UPDATE SET state=excluded.state, status=excluded.status, close_time=excluded.close_time, task_queue=excluded.task_queue,
  state_transitions=excluded.state_transitions, search_attributes=excluded.search_attributes;
INSERT INTO current_activity_executions(ns, activity_id, run_id) VALUES($ns,$a,$r)
ON CONFLICT(ns, activity_id) DO UPDATE SET run_id=excluded.run_id;";
        cmd.Parameters.AddWithValue("$ns", r.Namespace);
        cmd.Parameters.AddWithValue("$a", r.ActivityId);
        cmd.Parameters.AddWithValue("$r", r.RunId);
        cmd.Parameters.AddWithValue("$s", JsonSerializer.SerializeToUtf8Bytes(r, Json));
        cmd.Parameters.AddWithValue("$st", r.Status);
        cmd.Parameters.AddWithValue("$t", r.ActivityType);
        cmd.Parameters.AddWithValue("$q", r.TaskQueue);
        cmd.Parameters.AddWithValue("$start", r.ScheduleTimeMs);
        cmd.Parameters.AddWithValue("$exec", r.ExecutionTimeMs);
        cmd.Parameters.AddWithValue("$close", (object?)r.CloseTimeMs ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$n", r.StateTransitions);
        cmd.Parameters.AddWithValue("$sa", (object?)r.SearchAttributes ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    public static ActivityExecutionRecord? Load(SqliteStore store, string ns, string runId)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = "SELECT state FROM activity_executions WHERE ns=$ns AND run_id=$r";
        cmd.Parameters.AddWithValue("$ns", ns);
        cmd.Parameters.AddWithValue("$r", runId);
        return cmd.ExecuteScalar() is byte[] blob ? JsonSerializer.Deserialize<ActivityExecutionRecord>(blob, Json) : null;
    }

    public static string? CurrentRunId(SqliteStore store, string ns, string activityId)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = "SELECT run_id FROM current_activity_executions WHERE ns=$ns AND activity_id=$a";
        cmd.Parameters.AddWithValue("$ns", ns);
        cmd.Parameters.AddWithValue("$a", activityId);
        return cmd.ExecuteScalar() as string;
    }

    /// <summary>Every run still open, to resume after a restart.</summary>
    public static List<ActivityExecutionRecord> LoadOpen(SqliteStore store)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = "SELECT state FROM activity_executions WHERE status IN (1, 7)"; // running or paused
        using var rd = cmd.ExecuteReader();
        var list = new List<ActivityExecutionRecord>();
        while (rd.Read()) list.Add(JsonSerializer.Deserialize<ActivityExecutionRecord>((byte[])rd[0], Json)!);
        return list;
    }

    /// <summary>Removes a run, its search attribute values and, when it is the current one, the id's pointer.</summary>
    public static void Delete(SqliteStore store, string ns, string activityId, string runId)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = @"DELETE FROM activity_executions WHERE ns=$ns AND run_id=$r;
DELETE FROM search_attribute_values WHERE ns=$ns AND run_id=$r;
DELETE FROM current_activity_executions WHERE ns=$ns AND activity_id=$a AND run_id=$r;";
        cmd.Parameters.AddWithValue("$ns", ns);
        cmd.Parameters.AddWithValue("$a", activityId);
        cmd.Parameters.AddWithValue("$r", runId);
        cmd.ExecuteNonQuery();
    }
}
