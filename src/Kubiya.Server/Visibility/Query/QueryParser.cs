namespace Kubiya.Server.Visibility.Query;

/// <summary>
/// Recursive-descent parser for Temporal's visibility query language:
/// <code>
/// query   := [expr] [GROUP BY name {, name}] [ORDER BY name [ASC|DESC] {, ...}]
/// expr    := and {OR and}
/// and     := primary {AND primary}
/// primary := '(' expr ')' | name cmp value | name [NOT] IN '(' value {, value} ')'
///          | name [NOT] BETWEEN value AND value | name [NOT] STARTS_WITH value | name IS [NOT] NULL
/// </code>
/// Every error names what was expected and where.
/// </summary>
public sealed class QueryParser
{
    /// <summary>Longest query accepted, in characters.</summary>
    public const int MaxLength = 32 * 1024;
    /// <summary>Deepest parenthesis nesting accepted.</summary>
    public const int MaxDepth = 64;
    /// <summary>Most values in one IN list (every value becomes a bound SQL parameter).</summary>
    public const int MaxInValues = 1000;

    private readonly string text;
    private int depth;
    private readonly List<QueryToken> tokens;
    private int pos;

    private QueryParser(string text)
    {
        this.text = text;
        tokens = QueryLexer.Tokenize(text);
    }

    /// <summary>Parses <paramref name="query"/>; an empty or blank query matches everything.</summary>
    public static VisibilityQuery Parse(string? query)
    {
        if (string.IsNullOrWhiteSpace(query)) return VisibilityQuery.Empty;
        if (query.Length > MaxLength)
            throw new QueryException($"the query is {query.Length} characters long; the limit is {MaxLength}", MaxLength + 1, query);
        return new QueryParser(query).ParseQuery();
    }

    private QueryToken Peek => tokens[pos];

    private QueryToken Next() => tokens[pos++];

    private QueryException Error(string problem, QueryToken at) => new(problem, at.Position, text);

    private VisibilityQuery ParseQuery()
    {
        if (Peek.IsKeyword("SELECT"))
            throw Error("give only the filter (what follows WHERE), not a SELECT statement", Peek);
        QueryExpr? filter = null;
        if (!Peek.IsKeyword("ORDER") && !Peek.IsKeyword("GROUP")) filter = ParseOr();
        var groupBy = new List<AttributeRef>();
        var orderBy = new List<OrderTerm>();
        while (Peek.Kind != TokenKind.End)
        {
            if (Peek.IsKeyword("GROUP") && groupBy.Count == 0)
            {
                Next();
                ExpectKeyword("BY", "after GROUP");
                do groupBy.Add(ParseName("in GROUP BY")); while (TryComma());
            }
            else if (Peek.IsKeyword("ORDER") && orderBy.Count == 0)
            {
                Next();
                ExpectKeyword("BY", "after ORDER");
                do
                {
                    var name = ParseName("in ORDER BY");
                    var desc = false;
                    if (Peek.IsKeyword("DESC")) { Next(); desc = true; }
                    else if (Peek.IsKeyword("ASC")) Next();
                    orderBy.Add(new OrderTerm(name, desc));
                } while (TryComma());
            }
            else if (Peek.IsKeyword("LIMIT"))
                throw Error("LIMIT is not supported (use the page size of the request)", Peek);
            else if (filter != null && Peek.Kind == TokenKind.RightParen)
                throw Error("unbalanced ')'", Peek);
            else
                throw Error($"expected AND, OR, ORDER BY, GROUP BY or the end of the query, but found {Peek.Describe()}", Peek);
        }
        return new VisibilityQuery(filter, orderBy, groupBy);
    }

    private bool TryComma()
    {
        if (Peek.Kind != TokenKind.Comma) return false;
        Next();
        return true;
    }

    private void ExpectKeyword(string keyword, string context)
    {
        if (!Peek.IsKeyword(keyword)) throw Error($"expected {keyword} {context}, but found {Peek.Describe()}", Peek);
        Next();
    }

    private QueryExpr ParseOr()
    {
        var left = ParseAnd();
        while (Peek.IsKeyword("OR"))
        {
            Next();
            left = new OrExpr(left, ParseAnd());
        }
        return left;
    }

    private QueryExpr ParseAnd()
    {
        var left = ParsePrimary();
        while (Peek.IsKeyword("AND"))
        {
            Next();
            left = new AndExpr(left, ParsePrimary());
        }
        return left;
    }

    private QueryExpr ParsePrimary()
    {
        var t = Peek;
        if (t.Kind == TokenKind.LeftParen)
        {
            Next();
            if (Peek.Kind == TokenKind.RightParen) throw Error("empty parentheses", Peek);
            if (++depth > MaxDepth) throw Error($"parentheses are nested deeper than {MaxDepth} levels", t);
            var inner = ParseOr();
            depth--;
            if (Peek.Kind != TokenKind.RightParen)
                throw Error($"expected ')' to close the '(' at position {t.Position}, but found {Peek.Describe()}", Peek);
            Next();
            return inner;
        }
        if (t.IsKeyword("NOT"))
            throw Error("NOT is only supported as part of NOT IN, NOT BETWEEN and NOT STARTS_WITH, or as != and IS NOT NULL", t);
        var name = ParseName("at the start of a condition");
        return ParseCondition(name);
    }

    private AttributeRef ParseName(string context)
    {
        var t = Peek;
        if (t.Kind == TokenKind.Identifier)
        {
            Next();
            return new AttributeRef(t.Text, t.Position);
        }
        if (t.Kind == TokenKind.Keyword && t.Text is not ("AND" or "OR" or "NOT" or "IN" or "BETWEEN" or "IS" or "NULL"))
            throw Error($"expected a search attribute name {context}, but found reserved word {t.Text} (quote it in backticks to use it as a name)", t);
        throw Error($"expected a search attribute name {context}, but found {t.Describe()}", t);
    }

    private QueryExpr ParseCondition(AttributeRef name)
    {
        var t = Peek;
        if (t.Kind == TokenKind.Operator)
        {
            Next();
            var op = t.Text switch
            {
                "=" => CompareOp.Equal,
                "!=" => CompareOp.NotEqual,
                "<" => CompareOp.Less,
                "<=" => CompareOp.LessOrEqual,
                ">" => CompareOp.Greater,
                ">=" => CompareOp.GreaterOrEqual,
                _ => throw Error($"unknown operator '{t.Text}' (use = for equality)", t),
            };
            return new CompareExpr(name, op, ParseValue($"after '{t.Text}'"));
        }
        var negated = false;
        if (t.IsKeyword("NOT"))
        {
            Next();
            negated = true;
            t = Peek;
            if (!t.IsKeyword("IN") && !t.IsKeyword("BETWEEN") && !t.IsKeyword("STARTS_WITH"))
                throw Error($"expected IN, BETWEEN or STARTS_WITH after NOT, but found {t.Describe()}", t);
        }
        if (t.IsKeyword("IN"))
        {
            Next();
            if (Peek.Kind != TokenKind.LeftParen) throw Error($"expected '(' after IN, but found {Peek.Describe()}", Peek);
            var open = Next();
            var values = new List<Literal>();
            if (Peek.Kind == TokenKind.RightParen) throw Error("IN needs at least one value", Peek);
            do
            {
                if (values.Count == MaxInValues) throw Error($"an IN list may hold at most {MaxInValues} values", Peek);
                values.Add(ParseValue("in the IN list"));
            }
            while (TryComma());
            if (Peek.Kind != TokenKind.RightParen)
                throw Error($"expected ',' or ')' in the IN list opened at position {open.Position}, but found {Peek.Describe()}", Peek);
            Next();
            return new InExpr(name, values, negated);
        }
        if (t.IsKeyword("BETWEEN"))
        {
            Next();
            var low = ParseValue("after BETWEEN");
            ExpectKeyword("AND", "between the two BETWEEN values");
            var high = ParseValue("after BETWEEN ... AND");
            return new BetweenExpr(name, low, high, negated);
        }
        if (t.IsKeyword("STARTS_WITH"))
        {
            Next();
            var prefix = ParseValue("after STARTS_WITH");
            return new CompareExpr(name, negated ? CompareOp.NotStartsWith : CompareOp.StartsWith, prefix);
        }
        if (t.IsKeyword("IS"))
        {
            Next();
            var isNot = false;
            if (Peek.IsKeyword("NOT")) { Next(); isNot = true; }
            ExpectKeyword("NULL", isNot ? "after IS NOT" : "after IS");
            return new IsNullExpr(name, isNot);
        }
        if (t.IsKeyword("LIKE"))
            throw Error("LIKE is not supported (use STARTS_WITH for prefixes)", t);
        throw Error($"expected an operator (=, !=, <, <=, >, >=, IN, BETWEEN, STARTS_WITH, IS) after '{name.Name}', but found {t.Describe()}", t);
    }

    private Literal ParseValue(string context)
    {
        var t = Peek;
        switch (t.Kind)
        {
            case TokenKind.String:
                Next();
                return new Literal(LiteralKind.String, t.Text, t.Position);
            case TokenKind.Number:
                Next();
                if (long.TryParse(t.Text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _))
                    return new Literal(LiteralKind.Integer, t.Text, t.Position);
                if (double.TryParse(t.Text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
                    return new Literal(LiteralKind.Decimal, t.Text, t.Position);
                throw Error($"malformed number '{t.Text}'", t);
            case TokenKind.Keyword when t.Text is "TRUE" or "FALSE":
                Next();
                return new Literal(LiteralKind.Boolean, t.Text.ToLowerInvariant(), t.Position);
            case TokenKind.Keyword when t.Text == "NULL":
                throw Error("compare with NULL using IS NULL or IS NOT NULL", t);
            case TokenKind.Identifier:
                throw Error($"expected a value {context}, but found name '{t.Text}' (put text values in quotes)", t);
            default:
                throw Error($"expected a value {context}, but found {t.Describe()}", t);
        }
    }
}
