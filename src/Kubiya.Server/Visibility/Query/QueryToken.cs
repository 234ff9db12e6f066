namespace Kubiya.Server.Visibility.Query;

/// <summary>Kinds of lexical tokens in a visibility query.</summary>
public enum TokenKind
{
    Identifier,
    Keyword,
    String,
    Number,
    Operator,
    LeftParen,
    RightParen,
    Comma,
    End,
}

/// <summary>
/// One token: its kind, its text (keywords upper-cased, strings unescaped, quoted
/// identifiers unquoted) and its 1-based start position in the query.
/// </summary>
public readonly record struct QueryToken(TokenKind Kind, string Text, int Position)
{
    public bool IsKeyword(string keyword) => Kind == TokenKind.Keyword && Text == keyword;

    public bool IsOperator(string op) => Kind == TokenKind.Operator && Text == op;

    /// <summary>How the token reads in an error message.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.End => "the end of the query",
        TokenKind.String => $"string '{Text}'",
        TokenKind.Number => $"number {Text}",
        TokenKind.Keyword => $"keyword {Text}",
        TokenKind.Identifier => $"name '{Text}'",
        _ => $"'{Text}'",
    };
}
