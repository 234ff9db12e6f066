using Microsoft.Data.Sqlite;

namespace Kubiya.Server.Storage;

/// <summary>
/// A command kept for a statement every transition runs. Microsoft.Data.Sqlite compiles the SQL
/// of each new command when it first executes; a kept command reuses its compiled statement and
/// its parameter objects, so a transition only binds values and steps.
/// </summary>
internal sealed class PreparedCommand : IDisposable
{
    private readonly SqliteCommand cmd;
    private readonly Dictionary<string, SqliteParameter> parameters = new(StringComparer.Ordinal);

    public PreparedCommand(SqliteConnection conn, string sql, params (string Name, SqliteType Type)[] parameterTypes)
    {
        cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, type) in parameterTypes) parameters[name] = cmd.Parameters.Add(name, type);
    }

    /// <summary>Sets a parameter's value (null is stored as SQL NULL).</summary>
    public PreparedCommand Set(string name, object? value)
    {
        parameters[name].Value = value ?? DBNull.Value;
        return this;
    }

    /// <summary>
    /// The command, to execute. It never enlists in a SqliteTransaction: the store's batch
    /// transaction is begun with a kept BEGIN statement, which the connection does not track.
    /// </summary>
    public SqliteCommand Command => cmd;

    public void Dispose() => cmd.Dispose();
}
