using System.Globalization;
using Kubiya.Server.Visibility;
using Kubiya.Server.Visibility.Query;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;

namespace Kubiya.Server.Engine.Schedules;

/// <summary>
/// ListSchedules' query, in the visibility query language, evaluated over the few schedules in
/// memory: <c>ScheduleId</c> (also <c>WorkflowId</c>), <c>TemporalSchedulePaused</c>, and the
/// search attributes set on the schedule. ORDER BY and GROUP BY are not accepted here.
/// </summary>
internal sealed class ScheduleQueryFilter
{
    private readonly QueryExpr? filter;

    private ScheduleQueryFilter(QueryExpr? filter) => this.filter = filter;

    public static ScheduleQueryFilter Parse(string? query)
    {
        VisibilityQuery q;
        try { q = QueryParser.Parse(query); }
        catch (QueryException ex) { throw ServerErrors.InvalidArgument(ex.Message); }
        if (q.OrderBy.Count > 0 || q.GroupBy.Count > 0)
            throw ServerErrors.InvalidArgument("Invalid schedule query: ORDER BY and GROUP BY are not supported when listing schedules.");
        return new ScheduleQueryFilter(q.Filter);
    }

    public bool Matches(ScheduleRecord r, WorkflowEngine engine) => filter == null || Eval(filter, Values(r));

    private static Dictionary<string, (IndexedValueType Type, IReadOnlyList<object> Values)> Values(ScheduleRecord r)
    {
        var values = new Dictionary<string, (IndexedValueType, IReadOnlyList<object>)>(StringComparer.Ordinal)
        {
            ["ScheduleId"] = (IndexedValueType.Keyword, new object[] { r.ScheduleId }),
            ["WorkflowId"] = (IndexedValueType.Keyword, new object[] { r.ScheduleId }),
            ["TemporalSchedulePaused"] = (IndexedValueType.Bool, new object[] { r.Schedule.State?.Paused == true ? 1L : 0L }),
        };
        if (r.SearchAttributes != null)
            foreach (var (name, payload) in SearchAttributes.Parser.ParseFrom(r.SearchAttributes).IndexedFields)
            {
                if (!payload.Metadata.TryGetValue("type", out var t) || !Enum.TryParse<IndexedValueType>(t.ToStringUtf8(), true, out var type)) continue;
                try { values[name] = (type, SearchAttributeValues.Decode(payload, type)); }
                catch (FormatException) { }
            }
        return values;
    }

    private static bool Eval(QueryExpr e, Dictionary<string, (IndexedValueType Type, IReadOnlyList<object> Values)> v)
    {
        switch (e)
        {
            case AndExpr a: return Eval(a.Left, v) && Eval(a.Right, v);
            case OrExpr o: return Eval(o.Left, v) || Eval(o.Right, v);
            case IsNullExpr n: return v.ContainsKey(n.Attribute.Name) == n.Negated;
            case InExpr i:
            {
                var hit = v.TryGetValue(i.Attribute.Name, out var x) && i.Values.Any(l => x.Values.Any(val => Compare(val, l, x.Type) == 0));
                return hit != i.Negated;
            }
            case BetweenExpr b:
            {
                var hit = v.TryGetValue(b.Attribute.Name, out var x) &&
                          x.Values.Any(val => Compare(val, b.Low, x.Type) >= 0 && Compare(val, b.High, x.Type) <= 0);
                return hit != b.Negated;
            }
            case CompareExpr c:
            {
                if (!v.TryGetValue(c.Attribute.Name, out var x)) return c.Op is CompareOp.NotEqual or CompareOp.NotStartsWith;
                return c.Op switch
                {
                    CompareOp.Equal => x.Values.Any(val => Compare(val, c.Value, x.Type) == 0),
                    CompareOp.NotEqual => x.Values.All(val => Compare(val, c.Value, x.Type) != 0),
                    CompareOp.Less => x.Values.Any(val => Compare(val, c.Value, x.Type) < 0),
                    CompareOp.LessOrEqual => x.Values.Any(val => Compare(val, c.Value, x.Type) <= 0),
                    CompareOp.Greater => x.Values.Any(val => Compare(val, c.Value, x.Type) > 0),
                    CompareOp.GreaterOrEqual => x.Values.Any(val => Compare(val, c.Value, x.Type) >= 0),
                    CompareOp.StartsWith => x.Values.Any(val => val is string s && s.StartsWith(c.Value.Text, StringComparison.Ordinal)),
                    CompareOp.NotStartsWith => x.Values.All(val => val is not string s || !s.StartsWith(c.Value.Text, StringComparison.Ordinal)),
                    _ => false,
                };
            }
            default: return false;
        }
    }

    /// <summary>Compares a stored value with a literal read as the attribute's type.</summary>
    private static int Compare(object value, Literal lit, IndexedValueType type)
    {
        switch (type)
        {
            case IndexedValueType.Bool:
                var b = lit.Text.Equals("true", StringComparison.OrdinalIgnoreCase) ? 1L
                    : lit.Text.Equals("false", StringComparison.OrdinalIgnoreCase) ? 0L
                    : throw ServerErrors.InvalidArgument($"Invalid schedule query: '{lit.Text}' is not true or false.");
                return ((long)value).CompareTo(b);
            case IndexedValueType.Int:
                return ((long)value).CompareTo(long.Parse(lit.Text, CultureInfo.InvariantCulture));
            case IndexedValueType.Double:
                return ((double)value).CompareTo(double.Parse(lit.Text, CultureInfo.InvariantCulture));
            case IndexedValueType.Datetime:
                if (!SearchAttributeValues.TryParseTime(lit.Text, out var t))
                    throw ServerErrors.InvalidArgument($"Invalid schedule query: '{lit.Text}' is not an RFC3339 date-time.");
                return ((long)value).CompareTo(SearchAttributeValues.ToUnixNanos(t));
            default:
                return string.CompareOrdinal(value as string ?? value.ToString(), lit.Text);
        }
    }
}
