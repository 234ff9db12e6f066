using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Kubiya.Server.Visibility;

/// <summary>
/// Read-only connections to the server database for visibility queries. In WAL mode they
/// read the last committed state without waiting for (or blocking) the engine's writer, and
/// a query that starts after a transition committed always sees it.
/// </summary>
public sealed class VisibilityReader : IDisposable
{
    private readonly string dataSource;
    private readonly ConcurrentBag<SqliteConnection> idle = new();
    private bool disposed;

    public VisibilityReader(string dataSource) => this.dataSource = dataSource;

    /// <summary>Runs <paramref name="read"/> on a pooled connection.</summary>
    public T Run<T>(Func<SqliteConnection, T> read)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!idle.TryTake(out var conn)) conn = Open();
        try
        {
            return read(conn);
        }
        finally
        {
            if (disposed || idle.Count >= 8) conn.Dispose();
            else idle.Add(conn);
        }
    }

    private SqliteConnection Open()
    {
        var conn = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = dataSource,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString());
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA query_only=1; PRAGMA busy_timeout=5000; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16000;";
        cmd.ExecuteNonQuery();
        return conn;
    }

    public void Dispose()
    {
        disposed = true;
        while (idle.TryTake(out var c)) c.Dispose();
    }
}
