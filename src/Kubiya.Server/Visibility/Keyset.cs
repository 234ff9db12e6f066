using System.Globalization;
using Kubiya.Server.Visibility.Query;

namespace Kubiya.Server.Visibility;

/// <summary>
/// Builds the "rows after this one" condition of keyset paging for a list of sort keys,
/// with SQLite's NULL ordering (NULLs first ascending, last descending).
/// </summary>
public static class Keyset
{
    /// <summary>SQL for rows strictly after <paramref name="keys"/>; adds its parameters to <paramref name="parameters"/>.</summary>
    public static string After(IReadOnlyList<QuerySortKey> sort, IReadOnlyList<object?> keys, Dictionary<string, object> parameters)
    {
        string P(object value)
        {
            var name = "$k" + parameters.Count.ToString(CultureInfo.InvariantCulture);
            parameters[name] = value;
            return name;
        }
        var sameDirection = sort.All(k => k.Descending == sort[0].Descending);
        if (sameDirection && sort.All(k => !k.Nullable))
        {
            // A row-value comparison lets SQLite start the index scan right at the last row.
            var cols = string.Join(", ", sort.Select(k => k.Sql));
            var vals = string.Join(", ", keys.Select(k => P(k!)));
            return $"({cols}) {(sort[0].Descending ? "<" : ">")} ({vals})";
        }
        var terms = new List<string>();
        for (var i = 0; i < sort.Count; i++)
        {
            var parts = new List<string>();
            for (var j = 0; j < i; j++)
                parts.Add(keys[j] == null ? $"{sort[j].Sql} IS NULL" : $"{sort[j].Sql} = {P(keys[j]!)}");
            var k = sort[i];
            var v = keys[i];
            string? after = (k.Descending, v) switch
            {
                (true, null) => null,                                   // nothing sorts after NULL descending
                (true, _) => k.Nullable ? $"({k.Sql} < {P(v)} OR {k.Sql} IS NULL)" : $"{k.Sql} < {P(v)}",
                (false, null) => $"{k.Sql} IS NOT NULL",
                (false, _) => $"{k.Sql} > {P(v)}",
            };
            if (after == null) continue;
            parts.Add(after);
            terms.Add("(" + string.Join(" AND ", parts) + ")");
        }
        return terms.Count == 0 ? "0" : "(" + string.Join(" OR ", terms) + ")";
    }
}
