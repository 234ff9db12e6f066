using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Kubiya.Server.Engine;
using Microsoft.Data.Sqlite;
using Temporalio.Api.Enums.V1;

namespace Kubiya.Server.Visibility;

/// <summary>A search attribute name resolved in a namespace: its type, and its column if it is a system one.</summary>
public sealed record ResolvedAttribute(string Name, IndexedValueType Type, SystemAttribute? System);

/// <summary>
/// The custom search attributes of each namespace (OperatorService Add/Remove/List), persisted
/// in search_attribute_defs and cached in memory for validation and query translation.
/// Changes go through the engine's connection under the engine lock.
/// </summary>
public sealed partial class SearchAttributeRegistry
{
    /// <summary>Most custom attributes one namespace may register.</summary>
    public const int MaxPerNamespace = 100;

    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, IndexedValueType>> custom = new();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
    private static partial Regex ValidName();

    /// <summary>Loads every definition from the database.</summary>
    public void Load(SqliteConnection conn)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT ns, name, type FROM search_attribute_defs";
        using var r = cmd.ExecuteReader();
        var all = new Dictionary<string, Dictionary<string, IndexedValueType>>();
        while (r.Read())
        {
            if (!all.TryGetValue(r.GetString(0), out var map)) all[r.GetString(0)] = map = new(StringComparer.Ordinal);
            map[r.GetString(1)] = (IndexedValueType)r.GetInt32(2);
        }
        custom.Clear();
        foreach (var (ns, map) in all) custom[ns] = map;
    }

    /// <summary>The custom attributes of a namespace.</summary>
    public IReadOnlyDictionary<string, IndexedValueType> Custom(string ns) =>
        custom.TryGetValue(ns, out var map) ? map : new Dictionary<string, IndexedValueType>();

    /// <summary>Type of a custom or predefined attribute stored in the value index; null if unknown.</summary>
    public IndexedValueType? FindIndexed(string ns, string name)
    {
        if (SystemAttributes.Predefined.TryGetValue(name, out var t)) return t;
        return custom.TryGetValue(ns, out var map) && map.TryGetValue(name, out t) ? t : null;
    }

    /// <summary>Resolves any attribute name (system, predefined or custom); null if unknown.</summary>
    public ResolvedAttribute? Resolve(string ns, string name)
    {
        if (SystemAttributes.Columns.TryGetValue(name, out var sys)) return new ResolvedAttribute(name, sys.Type, sys);
        return FindIndexed(ns, name) is { } t ? new ResolvedAttribute(name, t, null) : null;
    }

    /// <summary>A known name differing only in case, to suggest when a name is not found.</summary>
    public string? SuggestName(string ns, string name) =>
        SystemAttributes.Columns.Keys.Concat(SystemAttributes.Predefined.Keys).Concat(Custom(ns).Keys)
            .FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Registers attributes; re-adding a name with the same type does nothing. All are checked
    /// before any is written. Must run under the engine lock.
    /// </summary>
    public void Add(SqliteConnection conn, string ns, IReadOnlyDictionary<string, IndexedValueType> attributes)
    {
        if (attributes.Count == 0) throw ServerErrors.InvalidArgument("SearchAttributes is not set on request.");
        var current = Custom(ns);
        var toAdd = new Dictionary<string, IndexedValueType>();
        foreach (var (name, type) in attributes)
        {
            if (!ValidName().IsMatch(name ?? ""))
                throw ServerErrors.InvalidArgument($"Search attribute name '{name}' is invalid: use 1-64 letters, digits and '_', not starting with a digit.");
            if (SystemAttributes.IsReserved(name!))
                throw ServerErrors.InvalidArgument($"Search attribute {name} is reserved by the system.");
            if (type is IndexedValueType.Unspecified || !Enum.IsDefined(type))
                throw ServerErrors.InvalidArgument($"Unknown search attribute type {type} for {name}: use Text, Keyword, Int, Double, Bool, Datetime or KeywordList.");
            if (current.TryGetValue(name!, out var existing))
            {
                if (existing != type)
                    throw ServerErrors.Make(Grpc.Core.StatusCode.AlreadyExists,
                        $"Search attribute {name} already exists with type {SearchAttributeValues.TypeName(existing)}; remove it first to change its type to {SearchAttributeValues.TypeName(type)}.");
                continue;
            }
            toAdd[name!] = type;
        }
        if (current.Count + toAdd.Count > MaxPerNamespace)
            throw ServerErrors.InvalidArgument($"Namespace {ns} would have {current.Count + toAdd.Count} custom search attributes; the limit is {MaxPerNamespace}.");
        if (toAdd.Count == 0) return;
        using (var txn = conn.BeginTransaction())
        {
            foreach (var (name, type) in toAdd)
            {
                using var cmd = conn.CreateCommand();
                cmd.CommandText = "INSERT INTO search_attribute_defs(ns, name, type) VALUES($ns, $n, $t)";
                cmd.Parameters.AddWithValue("$ns", ns);
                cmd.Parameters.AddWithValue("$n", name);
                cmd.Parameters.AddWithValue("$t", (int)type);
                cmd.ExecuteNonQuery();
            }
            txn.Commit();
        }
        var updated = new Dictionary<string, IndexedValueType>(current, StringComparer.Ordinal);
        foreach (var (name, type) in toAdd) updated[name] = type;
        custom[ns] = updated;
    }

    /// <summary>
    /// Removes custom attributes and their indexed values (they can no longer be queried; a
    /// later re-add starts empty). Must run under the engine lock.
    /// </summary>
    public void Remove(SqliteConnection conn, string ns, IReadOnlyCollection<string> names)
    {
        if (names.Count == 0) throw ServerErrors.InvalidArgument("SearchAttributesKeys is not set on request.");
        var current = Custom(ns);
        foreach (var name in names)
        {
            if (SystemAttributes.IsReserved(name ?? ""))
                throw ServerErrors.InvalidArgument($"Unable to remove non-custom search attribute {name}.");
            if (!current.ContainsKey(name ?? ""))
                throw ServerErrors.NotFound($"Search attribute {name} doesn't exist in namespace {ns}.");
        }
        using (var txn = conn.BeginTransaction())
        {
            foreach (var name in names)
            {
                foreach (var table in new[] { "search_attribute_defs", "search_attribute_values" })
                {
                    using var cmd = conn.CreateCommand();
                    cmd.CommandText = $"DELETE FROM {table} WHERE ns=$ns AND name=$n";
                    cmd.Parameters.AddWithValue("$ns", ns);
                    cmd.Parameters.AddWithValue("$n", name);
                    cmd.ExecuteNonQuery();
                }
            }
            txn.Commit();
        }
        var updated = new Dictionary<string, IndexedValueType>(current, StringComparer.Ordinal);
        foreach (var name in names) updated.Remove(name);
        custom[ns] = updated;
    }
}
