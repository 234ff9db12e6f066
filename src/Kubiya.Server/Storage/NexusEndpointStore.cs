using Google.Protobuf;
using Temporalio.Api.Nexus.V1;
using Endpoint = Temporalio.Api.Nexus.V1.Endpoint;

namespace Kubiya.Server.Storage;

/// <summary>
/// The Nexus endpoint registry table: one temporal.api.nexus.v1.Endpoint per row, on the engine's
/// connection and lock. Created when absent, so databases from before Nexus open unchanged.
/// </summary>
public static class NexusEndpointStore
{
    private const string Sql = @"
CREATE TABLE IF NOT EXISTS nexus_endpoints(
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  data BLOB NOT NULL) WITHOUT ROWID;";

    public static void EnsureSchema(SqliteStore store) => store.Exec(Sql);

    public static List<Endpoint> LoadAll(SqliteStore store)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = "SELECT data FROM nexus_endpoints";
        using var r = cmd.ExecuteReader();
        var list = new List<Endpoint>();
        while (r.Read()) list.Add(Endpoint.Parser.ParseFrom((byte[])r[0]));
        return list;
    }

    public static void Save(SqliteStore store, Endpoint endpoint)
    {
        // Cheap, and keeps the write valid even if the transaction that first created the table rolled back.
        EnsureSchema(store);
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = "INSERT INTO nexus_endpoints(id, name, data) VALUES($i,$n,$d) ON CONFLICT(id) DO UPDATE SET name=excluded.name, data=excluded.data";
        cmd.Parameters.AddWithValue("$i", endpoint.Id);
        cmd.Parameters.AddWithValue("$n", endpoint.Spec.Name);
        cmd.Parameters.AddWithValue("$d", endpoint.ToByteArray());
        cmd.ExecuteNonQuery();
    }

    public static void Delete(SqliteStore store, string id)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = "DELETE FROM nexus_endpoints WHERE id=$i";
        cmd.Parameters.AddWithValue("$i", id);
        cmd.ExecuteNonQuery();
    }
}
