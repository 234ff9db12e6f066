using Kubiya.Server.Engine.Schedules;

namespace Kubiya.Server.Storage;

/// <summary>The schedules table: one JSON row per schedule, on the engine's connection and lock.</summary>
public static class ScheduleStore
{
    private const string Sql = @"
CREATE TABLE IF NOT EXISTS schedules(
  ns TEXT NOT NULL,
  schedule_id TEXT NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY(ns, schedule_id)) WITHOUT ROWID;";

    public static void EnsureSchema(SqliteStore store) => store.Exec(Sql);

    public static List<ScheduleRecord> LoadAll(SqliteStore store)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = "SELECT data FROM schedules";
        using var r = cmd.ExecuteReader();
        var list = new List<ScheduleRecord>();
        while (r.Read()) list.Add(ScheduleRecord.FromBytes((byte[])r[0]));
        return list;
    }

    public static void Save(SqliteStore store, ScheduleRecord record)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = "INSERT INTO schedules(ns, schedule_id, data) VALUES($n,$i,$d) ON CONFLICT(ns, schedule_id) DO UPDATE SET data=excluded.data";
        cmd.Parameters.AddWithValue("$n", record.Namespace);
        cmd.Parameters.AddWithValue("$i", record.ScheduleId);
        cmd.Parameters.AddWithValue("$d", record.ToBytes());
        cmd.ExecuteNonQuery();
    }

    public static void Delete(SqliteStore store, string ns, string scheduleId)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = "DELETE FROM schedules WHERE ns=$n AND schedule_id=$i";
        cmd.Parameters.AddWithValue("$n", ns);
        cmd.Parameters.AddWithValue("$i", scheduleId);
        cmd.ExecuteNonQuery();
    }
}
