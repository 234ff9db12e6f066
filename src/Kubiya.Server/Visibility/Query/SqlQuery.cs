namespace Kubiya.Server.Visibility.Query;

/// <summary>
/// A translated query: a WHERE condition over the executions table (alias <c>e</c>) whose
/// values are all bound parameters, the sort keys of the result and whether counts are
/// grouped by status.
/// </summary>
public sealed class SqlQuery
{
    public required string Where { get; init; }
    public required IReadOnlyDictionary<string, object> Parameters { get; init; }
    /// <summary>Sort keys, most significant first; the last is always the run id (unique, never null).</summary>
    public required IReadOnlyList<QuerySortKey> Sort { get; init; }
    public bool GroupByStatus { get; init; }
}

/// <summary>One ORDER BY key: an SQL expression, its direction, and whether it can be NULL.</summary>
public sealed record QuerySortKey(string Sql, bool Descending, bool Nullable, bool IsText);
