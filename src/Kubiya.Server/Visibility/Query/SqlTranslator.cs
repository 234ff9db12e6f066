using System.Globalization;
using System.Text;
using Temporalio.Api.Enums.V1;

namespace Kubiya.Server.Visibility.Query;

/// <summary>
/// Translates a parsed visibility query into SQL over the executions table (alias <c>e</c>)
/// and the search attribute value index. User values only ever become bound parameters.
/// Comparisons follow SQL semantics: a run without the attribute matches no comparison
/// (not even !=), only IS NULL.
/// </summary>
public sealed class SqlTranslator
{
    /// <summary>Statement kinds, which allow different clauses.</summary>
    public enum Purpose { List, Count }

    private readonly string ns;
    private readonly string text;
    private readonly Func<string, ResolvedAttribute?> resolve;
    private readonly Func<string, string?> suggest;
    private readonly Dictionary<string, object> parameters = new();
    private string nsParam = "";

    private SqlTranslator(string ns, string text, Func<string, ResolvedAttribute?> resolve, Func<string, string?> suggest)
    {
        this.ns = ns;
        this.text = text;
        this.resolve = resolve;
        this.suggest = suggest;
    }

    /// <summary>Translates <paramref name="query"/> (parsed from <paramref name="text"/>) for namespace <paramref name="ns"/>.</summary>
    public static SqlQuery Translate(VisibilityQuery query, string text, string ns, SearchAttributeRegistry registry, Purpose purpose) =>
        new SqlTranslator(ns, text, name => registry.Resolve(ns, name), name => registry.SuggestName(ns, name)).Run(query, purpose);

    /// <summary>Translates over another table with the same core columns (alias <c>e</c>: ns, run_id, start_time), naming attributes with <paramref name="resolve"/>.</summary>
    public static SqlQuery Translate(VisibilityQuery query, string text, string ns, Func<string, ResolvedAttribute?> resolve, Func<string, string?> suggest, Purpose purpose) =>
        new SqlTranslator(ns, text, resolve, suggest).Run(query, purpose);

    private QueryException Error(string problem, int position) => new(problem, position, text);

    private string Param(object value)
    {
        var name = "$p" + parameters.Count.ToString(CultureInfo.InvariantCulture);
        parameters[name] = value;
        return name;
    }

    private SqlQuery Run(VisibilityQuery q, Purpose purpose)
    {
        nsParam = Param(ns);
        var where = $"e.ns = {nsParam}";
        if (q.Filter != null) where += " AND " + Expr(q.Filter);
        var groupByStatus = false;
        foreach (var g in q.GroupBy)
        {
            if (purpose != Purpose.Count)
                throw Error("GROUP BY is only supported when counting workflows", g.Position);
            if (g.Name != "ExecutionStatus" && resolve(g.Name)?.System?.Kind is not (SystemColumnKind.Status or SystemColumnKind.ActivityStatus))
                throw Error($"GROUP BY supports only ExecutionStatus, not '{g.Name}'", g.Position);
            if (groupByStatus) throw Error("ExecutionStatus is grouped by twice", g.Position);
            groupByStatus = true;
        }
        if (purpose == Purpose.Count && q.OrderBy.Count > 0)
            throw Error("ORDER BY is not supported when counting workflows", q.OrderBy[0].Attribute.Position);
        return new SqlQuery
        {
            Where = where,
            Parameters = parameters,
            Sort = SortKeys(q.OrderBy),
            GroupByStatus = groupByStatus,
        };
    }

    private List<QuerySortKey> SortKeys(IReadOnlyList<OrderTerm> terms)
    {
        var keys = new List<QuerySortKey>();
        var seen = new HashSet<string>();
        foreach (var t in terms)
        {
            var a = Resolve(t.Attribute);
            if (a.Type != IndexedValueType.Datetime)
                throw Error($"ORDER BY supports only time attributes (StartTime, CloseTime, ExecutionTime or a Datetime search attribute); '{a.Name}' is {SearchAttributeValues.TypeName(a.Type)}", t.Attribute.Position);
            if (!seen.Add(a.Name)) throw Error($"'{a.Name}' appears twice in ORDER BY", t.Attribute.Position);
            keys.Add(a.System is { } sys
                ? new QuerySortKey(sys.Sql, t.Descending, sys.Nullable, false)
                : new QuerySortKey($"(SELECT s.value FROM search_attribute_values s WHERE s.ns = e.ns AND s.run_id = e.run_id AND s.name = {Param(a.Name)})", t.Descending, true, false));
        }
        if (keys.Count == 0) keys.Add(new QuerySortKey("e.start_time", true, false, false));
        keys.Add(new QuerySortKey("e.run_id", keys[^1].Descending, false, true));
        return keys;
    }

    private ResolvedAttribute Resolve(AttributeRef a)
    {
        if (resolve(a.Name) is { } r) return r;
        var hint = suggest(a.Name) is { } s ? $" (did you mean '{s}'?)" : " (register custom attributes with OperatorService AddSearchAttributes)";
        throw Error($"unknown search attribute '{a.Name}'{hint}", a.Position);
    }

    private string Expr(QueryExpr e) => e switch
    {
        AndExpr a => $"({Expr(a.Left)} AND {Expr(a.Right)})",
        OrExpr o => $"({Expr(o.Left)} OR {Expr(o.Right)})",
        CompareExpr c => Compare(c),
        InExpr i => In(i),
        BetweenExpr b => Between(b),
        IsNullExpr n => IsNull(n),
        _ => throw new InvalidOperationException("unknown expression node " + e.GetType().Name),
    };

    // ---- operator checks ----

    private static string OpText(CompareOp op) => op switch
    {
        CompareOp.Equal => "=",
        CompareOp.NotEqual => "!=",
        CompareOp.Less => "<",
        CompareOp.LessOrEqual => "<=",
        CompareOp.Greater => ">",
        CompareOp.GreaterOrEqual => ">=",
        CompareOp.StartsWith => "STARTS_WITH",
        _ => "NOT STARTS_WITH",
    };

    private static bool IsRange(CompareOp op) => op is CompareOp.Less or CompareOp.LessOrEqual or CompareOp.Greater or CompareOp.GreaterOrEqual;

    private void CheckOperator(ResolvedAttribute a, string op, bool range, bool prefix, bool list, int position)
    {
        var isStatus = a.System?.Kind is SystemColumnKind.Status or SystemColumnKind.ActivityStatus;
        var typeName = isStatus ? "ExecutionStatus" : SearchAttributeValues.TypeName(a.Type);
        string? allowed = null;
        if (isStatus)
        {
            if (range || prefix) allowed = "=, !=, IN and NOT IN";
        }
        else switch (a.Type)
        {
            case IndexedValueType.Text:
                if (range || prefix || list) allowed = "=, != and IS [NOT] NULL (matching words)";
                break;
            case IndexedValueType.Bool:
                if (range || prefix) allowed = "=, !=, IN and IS [NOT] NULL";
                break;
            case IndexedValueType.KeywordList:
                if (range) allowed = "=, !=, IN, NOT IN, STARTS_WITH and IS [NOT] NULL";
                break;
            case IndexedValueType.Keyword:
                break;
            default:
                if (prefix) allowed = "=, !=, <, <=, >, >=, IN, BETWEEN and IS [NOT] NULL";
                break;
        }
        if (allowed != null)
            throw Error($"operator {op} cannot be used with '{a.Name}' ({typeName}); it supports {allowed}", position);
    }

    // ---- literal conversion ----

    /// <summary>Converts a literal to the stored representation of the attribute's values.</summary>
    private object Value(ResolvedAttribute a, Literal v)
    {
        string Expect(string what) =>
            throw Error($"'{a.Name}' expects {what}, but the value is {Describe(v)}", v.Position);
        switch (a.System?.Kind)
        {
            case SystemColumnKind.Status:
                if (v.Kind == LiteralKind.String && SystemAttributes.StatusByName.TryGetValue(v.Text, out var st)) return (long)st;
                if (v.Kind == LiteralKind.Integer && long.TryParse(v.Text, out var code) && code is >= 1 and <= 7) return code;
                throw Error($"'{v.Text}' is not an execution status; use one of Running, Completed, Failed, Canceled, Terminated, ContinuedAsNew, TimedOut", v.Position);
            case SystemColumnKind.ActivityStatus:
                if (v.Kind == LiteralKind.String && SystemAttributes.ActivityStatusByName.TryGetValue(v.Text, out var ast)) return (long)ast;
                if (v.Kind == LiteralKind.Integer && long.TryParse(v.Text, out var acode) && acode is >= 1 and <= 7) return acode;
                throw Error($"'{v.Text}' is not an activity execution status; use one of Running, Completed, Failed, Canceled, Terminated, TimedOut, Paused", v.Position);
            case SystemColumnKind.DurationMs:
                return DurationMs(a, v);
        }
        switch (a.Type)
        {
            case IndexedValueType.Keyword:
            case IndexedValueType.KeywordList:
            case IndexedValueType.Text:
                return v.Kind == LiteralKind.String ? v.Text : Expect("a quoted string");
            case IndexedValueType.Int:
                if (v.Kind is LiteralKind.Integer or LiteralKind.String && long.TryParse(v.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l;
                return Expect("an integer");
            case IndexedValueType.Double:
                if (v.Kind is LiteralKind.Integer or LiteralKind.Decimal or LiteralKind.String
                    && double.TryParse(v.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
                return Expect("a number");
            case IndexedValueType.Bool:
                if (v.Kind is LiteralKind.Boolean or LiteralKind.String && v.Text.ToLowerInvariant() is "true" or "false")
                    return v.Text.Equals("true", StringComparison.OrdinalIgnoreCase) ? 1L : 0L;
                return Expect("true or false");
            case IndexedValueType.Datetime:
                return TimeNanos(a, v);
            default:
                return Expect("a supported value");
        }
    }

    private static string Describe(Literal v) => v.Kind switch
    {
        LiteralKind.String => $"string '{v.Text}'",
        LiteralKind.Boolean => v.Text,
        _ => $"number {v.Text}",
    };

    /// <summary>A date-time literal as Unix nanoseconds: an RFC3339 string or an integer.</summary>
    private long TimeNanos(ResolvedAttribute a, Literal v)
    {
        if (v.Kind == LiteralKind.String && SearchAttributeValues.TryParseTime(v.Text, out var t)) return SearchAttributeValues.ToUnixNanos(t);
        if (v.Kind == LiteralKind.Integer && long.TryParse(v.Text, out var ns)) return ns;
        throw Error($"'{a.Name}' expects an RFC3339 date-time such as '2024-05-01T12:00:00Z', but the value is {Describe(v)}", v.Position);
    }

    private long DurationMs(ResolvedAttribute a, Literal v)
    {
        if (v.Kind == LiteralKind.Integer && long.TryParse(v.Text, out var nanos)) return nanos / 1_000_000;
        if (v.Kind == LiteralKind.String && DurationParser.TryParse(v.Text, out var span)) return (long)span.TotalMilliseconds;
        throw Error($"'{a.Name}' expects a duration such as '90s', '1h30m' or '00:10:00' (or integer nanoseconds), but the value is {Describe(v)}", v.Position);
    }

    // ---- conditions ----

    private string Compare(CompareExpr c)
    {
        var a = Resolve(c.Attribute);
        var prefix = c.Op is CompareOp.StartsWith or CompareOp.NotStartsWith;
        CheckOperator(a, OpText(c.Op), IsRange(c.Op), prefix, false, c.Value.Position);
        if (a.System is { } sys)
        {
            if (prefix)
            {
                var p = Param(Value(a, c.Value));
                var starts = StartsWith(sys.Sql, p);
                return c.Op == CompareOp.StartsWith ? starts : $"({sys.Sql} IS NOT NULL AND NOT {starts})";
            }
            if (sys.Kind == SystemColumnKind.TimeMs) return TimeCompare(sys.Sql, c.Op, TimeNanos(a, c.Value));
            return $"{sys.Sql} {OpText(c.Op)} {Param(Value(a, c.Value))}";
        }
        var name = Param(a.Name);
        if (a.Type == IndexedValueType.Text)
        {
            var words = SearchAttributeValues.Tokenize((string)Value(a, c.Value));
            var all = words.Count == 0 ? Has(name, null) : string.Join(" AND ", words.Select(w => Has(name, $"s.value = {Param(w)}")));
            return c.Op == CompareOp.Equal ? $"({all})" : $"({Has(name, null)} AND NOT ({all}))";
        }
        var value = Param(Value(a, c.Value));
        var multi = a.Type == IndexedValueType.KeywordList;
        switch (c.Op)
        {
            case CompareOp.StartsWith:
                return Has(name, StartsWith("s.value", value));
            case CompareOp.NotStartsWith:
                return $"({Has(name, null)} AND NOT {Has(name, StartsWith("s.value", value))})";
            case CompareOp.NotEqual when multi:
                return $"({Has(name, null)} AND NOT {Has(name, $"s.value = {value}")})";
            default:
                return Has(name, $"s.value {OpText(c.Op)} {value}");
        }
    }

    private string In(InExpr i)
    {
        var a = Resolve(i.Attribute);
        CheckOperator(a, i.Negated ? "NOT IN" : "IN", false, false, true, i.Attribute.Position);
        if (a.System is { Kind: SystemColumnKind.TimeMs } timeCol)
        {
            // Stored at millisecond precision: a value with a finer fraction can never be equal.
            var ms = i.Values.Select(v => TimeNanos(a, v)).Where(n => n % 1_000_000 == 0).Select(n => (object)(n / 1_000_000)).ToList();
            if (ms.Count == 0) return i.Negated ? $"{timeCol.Sql} IS NOT NULL" : "0";
            return $"{timeCol.Sql} {(i.Negated ? "NOT IN" : "IN")} ({string.Join(", ", ms.Select(Param))})";
        }
        var list = string.Join(", ", i.Values.Select(v => Param(Value(a, v))));
        if (a.System is { } sys) return $"{sys.Sql} {(i.Negated ? "NOT IN" : "IN")} ({list})";
        var name = Param(a.Name);
        if (!i.Negated) return Has(name, $"s.value IN ({list})");
        return a.Type == IndexedValueType.KeywordList
            ? $"({Has(name, null)} AND NOT {Has(name, $"s.value IN ({list})")})"
            : Has(name, $"s.value NOT IN ({list})");
    }

    private string Between(BetweenExpr b)
    {
        var a = Resolve(b.Attribute);
        CheckOperator(a, b.Negated ? "NOT BETWEEN" : "BETWEEN", true, false, false, b.Attribute.Position);
        string range;
        string subject;
        if (a.System is { Kind: SystemColumnKind.TimeMs } timeCol)
        {
            subject = timeCol.Sql;
            range = $"({TimeCompare(subject, CompareOp.GreaterOrEqual, TimeNanos(a, b.Low))} AND {TimeCompare(subject, CompareOp.LessOrEqual, TimeNanos(a, b.High))})";
            return b.Negated ? $"({subject} IS NOT NULL AND NOT {range})" : range;
        }
        var low = Param(Value(a, b.Low));
        var high = Param(Value(a, b.High));
        var op = b.Negated ? "NOT BETWEEN" : "BETWEEN";
        if (a.System is { } sys) return $"{sys.Sql} {op} {low} AND {high}";
        return Has(Param(a.Name), $"s.value {op} {low} AND {high}");
    }

    private string IsNull(IsNullExpr n)
    {
        var a = Resolve(n.Attribute);
        if (a.System is { } sys) return $"{sys.Sql} IS {(n.Negated ? "NOT " : "")}NULL";
        var has = Has(Param(a.Name), null);
        return n.Negated ? has : $"NOT {has}";
    }

    /// <summary>Runs that have a value of the attribute (bound as <paramref name="nameParam"/>) meeting <paramref name="valueCondition"/>.</summary>
    private string Has(string nameParam, string? valueCondition)
    {
        // Uncorrelated (namespace bound, not e.ns), so SQLite evaluates it once from the index.
        var sb = new StringBuilder("e.run_id IN (SELECT s.run_id FROM search_attribute_values s WHERE s.ns = ");
        sb.Append(nsParam).Append(" AND s.name = ").Append(nameParam);
        if (valueCondition != null) sb.Append(" AND ").Append(valueCondition);
        sb.Append(')');
        return sb.ToString();
    }

    /// <summary>A prefix test that an index can serve: a range on the value, confirmed exactly.</summary>
    private string StartsWith(string subject, string prefixParam)
    {
        var prefix = (string)parameters[prefixParam];
        var upper = Param(prefix + "\U0010FFFF");
        return $"({subject} >= {prefixParam} AND {subject} < {upper} AND substr({subject}, 1, length({prefixParam})) = {prefixParam})";
    }

    /// <summary>
    /// A comparison of a millisecond column with a nanosecond literal, exact even when the
    /// literal has a sub-millisecond fraction.
    /// </summary>
    private string TimeCompare(string column, CompareOp op, long nanos)
    {
        var floor = Math.DivRem(nanos, 1_000_000, out var rest) - (rest < 0 ? 1 : 0);
        var exact = rest == 0;
        string P(long ms) => Param(ms);
        return op switch
        {
            CompareOp.Equal => exact ? $"{column} = {P(floor)}" : "0",
            CompareOp.NotEqual => exact ? $"{column} != {P(floor)}" : $"{column} IS NOT NULL",
            CompareOp.Greater => $"{column} > {P(floor)}",
            CompareOp.GreaterOrEqual => exact ? $"{column} >= {P(floor)}" : $"{column} > {P(floor)}",
            CompareOp.Less => exact ? $"{column} < {P(floor)}" : $"{column} <= {P(floor)}",
            CompareOp.LessOrEqual => $"{column} <= {P(floor)}",
            _ => throw new InvalidOperationException("not a time comparison: " + op),
        };
    }
}
