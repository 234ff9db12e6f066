using System.Text.Json;
using Kubiya.Server.Engine.Deployments;

namespace Kubiya.Server.Storage;

/// <summary>
/// The worker_deployments table: one JSON row per deployment, on the engine's connection and
/// lock. Created when absent (CREATE IF NOT EXISTS), so databases of earlier versions open unchanged.
/// </summary>
public static class DeploymentStore
{
    private const string Sql = @"
CREATE TABLE IF NOT EXISTS worker_deployments(
  ns TEXT NOT NULL,
  name TEXT NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY(ns, name)) WITHOUT ROWID;";

    public static void EnsureSchema(SqliteStore store) => store.Exec(Sql);

    public static List<DeploymentRecord> LoadAll(SqliteStore store)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = "SELECT data FROM worker_deployments";
        using var r = cmd.ExecuteReader();
        var list = new List<DeploymentRecord>();
        while (r.Read())
            if (JsonSerializer.Deserialize<DeploymentRecord>((byte[])r[0]) is { } d) list.Add(d);
        return list;
    }

    public static void Save(SqliteStore store, DeploymentRecord d)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = "INSERT INTO worker_deployments(ns, name, data) VALUES($n,$i,$d) ON CONFLICT(ns, name) DO UPDATE SET data=excluded.data";
        cmd.Parameters.AddWithValue("$n", d.Namespace);
        cmd.Parameters.AddWithValue("$i", d.Name);
        cmd.Parameters.AddWithValue("$d", JsonSerializer.SerializeToUtf8Bytes(d));
        cmd.ExecuteNonQuery();
    }

    public static void Delete(SqliteStore store, string ns, string name)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = "DELETE FROM worker_deployments WHERE ns=$n AND name=$i";
        cmd.Parameters.AddWithValue("$n", ns);
        cmd.Parameters.AddWithValue("$i", name);
        cmd.ExecuteNonQuery();
    }
}
