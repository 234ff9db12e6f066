namespace Kubiya.Server.Visibility.Query;

/// <summary>
/// A visibility query that cannot be parsed or translated. <see cref="Position"/> is the
/// 1-based character position of the problem in the query text; the RPC layer turns this
/// into an InvalidArgument error.
/// </summary>
public sealed class QueryException : Exception
{
    public QueryException(string problem, int position, string query)
        : base(Format(Bound(problem), position, query))
    {
        Problem = Bound(problem);
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

    // A status carries the message in an HTTP/2 header: echo at most a short piece of any token,
    // or a long query answers "h2 protocol error" instead of saying what is wrong.
    private static readonly System.Text.RegularExpressions.Regex LongQuoted =
        new(@"(['`])([^'`]{" + (Engine.BoundedEcho.MaxChars + 1) + @",})\1", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static string Bound(string problem)
    {
        problem = LongQuoted.Replace(problem, m => m.Groups[1].Value + Engine.BoundedEcho.Of(m.Groups[2].Value) + m.Groups[1].Value);
        return problem.Length <= 512 ? problem : problem.Substring(0, 512) + "...";
    }

    private static string Snippet(string query, int index)
    {
        var text = query.Substring(index, Math.Min(20, query.Length - index));
        return text.Length < query.Length - index ? text + "..." : text;
    }
}
