using System.Text;

namespace Kubiya.Server.Visibility.Query;

/// <summary>
/// Splits a visibility query into tokens. Strings take single or double quotes (a doubled
/// quote or a backslash escapes); names are bare (letters, digits and '_', not starting with a
/// digit) or in backticks; keywords are case-insensitive.
/// </summary>
public static class QueryLexer
{
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "AND", "OR", "NOT", "IN", "BETWEEN", "IS", "NULL", "ORDER", "GROUP", "BY", "ASC", "DESC",
        "STARTS_WITH", "TRUE", "FALSE", "LIKE", "LIMIT", "SELECT", "FROM", "WHERE", "HAVING",
    };

    public static List<QueryToken> Tokenize(string query)
    {
        var tokens = new List<QueryToken>();
        var i = 0;
        while (true)
        {
            while (i < query.Length && char.IsWhiteSpace(query[i])) i++;
            if (i >= query.Length) break;
            var start = i;
            var c = query[i];
            if (c == '(') { tokens.Add(new(TokenKind.LeftParen, "(", start + 1)); i++; }
            else if (c == ')') { tokens.Add(new(TokenKind.RightParen, ")", start + 1)); i++; }
            else if (c == ',') { tokens.Add(new(TokenKind.Comma, ",", start + 1)); i++; }
            else if (c is '\'' or '"') tokens.Add(new(TokenKind.String, ReadString(query, ref i), start + 1));
            else if (c == '`') tokens.Add(new(TokenKind.Identifier, ReadQuotedName(query, ref i), start + 1));
            else if (char.IsDigit(c) || (c is '-' or '+' or '.' && i + 1 < query.Length && (char.IsDigit(query[i + 1]) || query[i + 1] == '.')))
                tokens.Add(new(TokenKind.Number, ReadNumber(query, ref i), start + 1));
            else if (char.IsLetter(c) || c == '_')
            {
                while (i < query.Length && (char.IsLetterOrDigit(query[i]) || query[i] == '_')) i++;
                var word = query[start..i];
                tokens.Add(Keywords.Contains(word)
                    ? new(TokenKind.Keyword, word.ToUpperInvariant(), start + 1)
                    : new(TokenKind.Identifier, word, start + 1));
            }
            else if (ReadOperator(query, i) is { } op)
            {
                tokens.Add(new(TokenKind.Operator, op == "<>" ? "!=" : op, start + 1));
                i += op.Length;
            }
            else throw new QueryException($"unexpected character '{c}'", start + 1, query);
        }
        tokens.Add(new(TokenKind.End, "", query.Length + 1));
        return tokens;
    }

    private static string? ReadOperator(string q, int i)
    {
        foreach (var op in new[] { "!=", "<>", "<=", ">=", "==", "=", "<", ">" })
            if (string.CompareOrdinal(q, i, op, 0, op.Length) == 0) return op;
        return null;
    }

    private static string ReadString(string q, ref int i)
    {
        var quote = q[i];
        var start = i;
        i++;
        var sb = new StringBuilder();
        while (i < q.Length)
        {
            var c = q[i];
            if (c == '\\' && i + 1 < q.Length)
            {
                var n = q[i + 1];
                sb.Append(n switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '0' => '\0', _ => n });
                i += 2;
                continue;
            }
            if (c == quote)
            {
                if (i + 1 < q.Length && q[i + 1] == quote) { sb.Append(quote); i += 2; continue; }
                i++;
                return sb.ToString();
            }
            sb.Append(c);
            i++;
        }
        throw new QueryException($"unterminated string (missing closing {quote})", start + 1, q);
    }

    private static string ReadQuotedName(string q, ref int i)
    {
        var start = i;
        var end = q.IndexOf('`', i + 1);
        if (end < 0) throw new QueryException("unterminated name (missing closing `)", start + 1, q);
        i = end + 1;
        var name = q.Substring(start + 1, end - start - 1);
        if (name.Length == 0) throw new QueryException("empty name in backticks", start + 1, q);
        return name;
    }

    private static string ReadNumber(string q, ref int i)
    {
        var start = i;
        if (q[i] is '-' or '+') i++;
        while (i < q.Length && (char.IsDigit(q[i]) || q[i] == '.' || q[i] is 'e' or 'E'
               || (q[i] is '-' or '+' && q[i - 1] is 'e' or 'E'))) i++;
        // A number glued to letters ("10abc") is a malformed token, not a number and a name.
        if (i < q.Length && (char.IsLetter(q[i]) || q[i] == '_'))
        {
            while (i < q.Length && (char.IsLetterOrDigit(q[i]) || q[i] == '_')) i++;
            throw new QueryException($"malformed number '{q[start..i]}'", start + 1, q);
        }
        return q[start..i];
    }
}
