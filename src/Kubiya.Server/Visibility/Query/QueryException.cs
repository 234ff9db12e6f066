namespace Kubiya.Server.Visibility.Query;

/// <summary>
/// A visibility query that cannot be parsed or translated. <see cref="Position"/> is the
/// 1-based character position of the problem in the query text; the RPC layer turns this
/// into an InvalidArgument error.
/// </summary>
public sealed class QueryException : Exception
{
    public QueryException(string problem, int position, string query)
        : base(Format(problem, position, query))
    {
        Problem = problem;
        Position = position;
    }

    /// <summary>What is wrong, without the position.</summary>
    public string Problem { get; }

    /// <summary>1-based character position in the query (query length + 1 means "at the end").</summary>
    public int Position { get; }

    private static string Format(string problem, int position, string query)
    {
        var near = position - 1 < query.Length
            ? $" (near '{Snippet(query, position - 1)}')"
            : " (at the end of the query)";
        return $"Invalid visibility query: {problem} at position {position}{near}.";
    }

    private static string Snippet(string query, int index)
    {
        var text = query.Substring(index, Math.Min(20, query.Length - index));
        return text.Length < query.Length - index ? text + "..." : text;
    }
}
