using System.Runtime.CompilerServices;
using Kubiya.Server.Engine;
using Kubiya.Server.Storage;
using Microsoft.Data.Sqlite;
using SearchAttributes = Temporalio.Api.Common.V1.SearchAttributes;
using Execution = Kubiya.Server.Engine.Execution;

namespace Kubiya.Server.Visibility;

/// <summary>
/// Keeps search_attribute_values in step with each run's search attributes. Runs inside the
/// engine's commit (so the index is never behind the executions table) and rewrites a run's
/// rows only when its attributes changed since they were last indexed.
/// </summary>
public sealed class SearchAttributeIndexer
{
    private readonly SearchAttributeRegistry registry;
    // What was last indexed for each cached run; a run reloaded from disk is simply re-indexed once.
    private readonly ConditionalWeakTable<Execution, Indexed> indexed = new();

    private sealed class Indexed(byte[]? bytes)
    {
        public byte[]? Bytes { get; } = bytes;
    }

    public SearchAttributeIndexer(SearchAttributeRegistry registry) => this.registry = registry;

    /// <summary>The engine's per-run save hook.</summary>
    public void OnSave(SqliteStore store, Execution e)
    {
        var bytes = e.State.SearchAttributes;
        if (!e.IsNew && indexed.TryGetValue(e, out var last) && Same(last.Bytes, bytes)) return;
        Write(store.Connection, e.State.Namespace, e.State.RunId, bytes, replace: !e.IsNew);
        indexed.AddOrUpdate(e, new Indexed(bytes));
    }

    /// <summary>Rebuilds the whole index from the executions table (start-up after a layout change).</summary>
    public int Rebuild(SqliteConnection conn)
    {
        using var txn = conn.BeginTransaction();
        using (var clear = conn.CreateCommand())
        {
            clear.CommandText = "DELETE FROM search_attribute_values";
            clear.ExecuteNonQuery();
        }
        var rows = new List<(string Ns, string RunId, byte[] Bytes)>();
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = "SELECT ns, run_id, search_attributes FROM executions WHERE search_attributes IS NOT NULL";
            using var r = cmd.ExecuteReader();
            while (r.Read()) rows.Add((r.GetString(0), r.GetString(1), (byte[])r[2]));
        }
        // Standalone activity executions share the index (their table exists once the server has run with them).
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = "SELECT name FROM sqlite_master WHERE type='table' AND name='activity_executions'";
            if (cmd.ExecuteScalar() != null)
            {
                cmd.CommandText = "SELECT ns, run_id, search_attributes FROM activity_executions WHERE search_attributes IS NOT NULL";
                using var r = cmd.ExecuteReader();
                while (r.Read()) rows.Add((r.GetString(0), r.GetString(1), (byte[])r[2]));
            }
        }
        foreach (var (ns, runId, bytes) in rows) Write(conn, ns, runId, bytes, replace: false);
        txn.Commit();
        return rows.Count;
    }

    /// <summary>Indexes the attributes of a run kept outside the executions table (standalone activities).</summary>
    public void WriteRun(SqliteConnection conn, string ns, string runId, byte[]? bytes, bool replace) => Write(conn, ns, runId, bytes, replace);

    private void Write(SqliteConnection conn, string ns, string runId, byte[]? bytes, bool replace)
    {
        if (replace)
        {
            using var del = conn.CreateCommand();
            del.CommandText = "DELETE FROM search_attribute_values WHERE ns=$ns AND run_id=$r";
            del.Parameters.AddWithValue("$ns", ns);
            del.Parameters.AddWithValue("$r", runId);
            del.ExecuteNonQuery();
        }
        if (bytes == null) return;
        var attributes = SearchAttributes.Parser.ParseFrom(bytes);
        if (attributes.IndexedFields.Count == 0) return;
        using var ins = conn.CreateCommand();
        ins.CommandText = "INSERT OR IGNORE INTO search_attribute_values(ns, name, value, run_id) VALUES($ns, $n, $v, $r)";
        ins.Parameters.AddWithValue("$ns", ns);
        ins.Parameters.AddWithValue("$r", runId);
        var pn = ins.Parameters.Add("$n", SqliteType.Text);
        var pv = ins.Parameters.Add("$v", SqliteType.Blob);
        foreach (var (name, payload) in attributes.IndexedFields)
        {
            // Values of removed (or never registered) attributes are not indexed, so they cannot be queried.
            if (registry.FindIndexed(ns, name) is not { } type || SearchAttributeValues.IsUnset(payload)) continue;
            IReadOnlyList<object> values;
            try { values = SearchAttributeValues.Decode(payload, type); }
            catch (FormatException) { continue; } // stored before the attribute was re-registered with another type
            pn.Value = name;
            foreach (var v in values)
            {
                pv.SqliteType = v is string ? SqliteType.Text : v is double ? SqliteType.Real : SqliteType.Integer;
                pv.Value = v;
                ins.ExecuteNonQuery();
            }
        }
    }

    private static bool Same(byte[]? a, byte[]? b) =>
        a == null ? b == null : b != null && a.AsSpan().SequenceEqual(b);
}
