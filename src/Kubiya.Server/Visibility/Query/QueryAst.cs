namespace Kubiya.Server.Visibility.Query;

/// <summary>A parsed visibility query: an optional filter, ORDER BY terms and GROUP BY names.</summary>
public sealed record VisibilityQuery(QueryExpr? Filter, IReadOnlyList<OrderTerm> OrderBy, IReadOnlyList<AttributeRef> GroupBy)
{
    public static readonly VisibilityQuery Empty = new(null, Array.Empty<OrderTerm>(), Array.Empty<AttributeRef>());
}

/// <summary>A search attribute named in a query, with where it was named.</summary>
public sealed record AttributeRef(string Name, int Position);

/// <summary>Kinds of literal values.</summary>
public enum LiteralKind { String, Integer, Decimal, Boolean }

/// <summary>A literal value as written: its kind, its text and where it starts.</summary>
public sealed record Literal(LiteralKind Kind, string Text, int Position);

/// <summary>One ORDER BY term.</summary>
public sealed record OrderTerm(AttributeRef Attribute, bool Descending);

/// <summary>Comparison operators.</summary>
public enum CompareOp { Equal, NotEqual, Less, LessOrEqual, Greater, GreaterOrEqual, StartsWith, NotStartsWith }

/// <summary>A node of the filter expression tree.</summary>
public abstract record QueryExpr(int Position);

public sealed record AndExpr(QueryExpr Left, QueryExpr Right) : QueryExpr(Left.Position);

public sealed record OrExpr(QueryExpr Left, QueryExpr Right) : QueryExpr(Left.Position);

/// <summary><c>attr op value</c>, including STARTS_WITH.</summary>
public sealed record CompareExpr(AttributeRef Attribute, CompareOp Op, Literal Value) : QueryExpr(Attribute.Position);

/// <summary><c>attr [NOT] IN (v1, v2, ...)</c>.</summary>
public sealed record InExpr(AttributeRef Attribute, IReadOnlyList<Literal> Values, bool Negated) : QueryExpr(Attribute.Position);

/// <summary><c>attr [NOT] BETWEEN low AND high</c> (inclusive).</summary>
public sealed record BetweenExpr(AttributeRef Attribute, Literal Low, Literal High, bool Negated) : QueryExpr(Attribute.Position);

/// <summary><c>attr IS [NOT] NULL</c>.</summary>
public sealed record IsNullExpr(AttributeRef Attribute, bool Negated) : QueryExpr(Attribute.Position);
