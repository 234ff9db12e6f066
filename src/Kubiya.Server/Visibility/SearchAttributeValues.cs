using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;

namespace Kubiya.Server.Visibility;

/// <summary>
/// Reads search attribute payloads (JSON, as every SDK encodes them) into the values the
/// index stores: text for Keyword / KeywordList, lower-cased words for Text, integers for Int,
/// Bool (0/1) and Datetime (Unix nanoseconds), reals for Double.
/// </summary>
public static class SearchAttributeValues
{
    private static readonly ByteString JsonPlain = ByteString.CopyFromUtf8("json/plain");

    /// <summary>Largest encoded value accepted for one attribute (Temporal's default limit).</summary>
    public const int MaxValueBytes = 2 * 1024;

    /// <summary>Largest total of all attributes of one run (Temporal's default limit).</summary>
    public const int MaxTotalBytes = 40 * 1024;

    /// <summary>Temporal's name for a type ("Keyword", "Int", ...), as used in payload metadata.</summary>
    public static string TypeName(IndexedValueType t) => t switch
    {
        IndexedValueType.Text => "Text",
        IndexedValueType.Keyword => "Keyword",
        IndexedValueType.Int => "Int",
        IndexedValueType.Double => "Double",
        IndexedValueType.Bool => "Bool",
        IndexedValueType.Datetime => "Datetime",
        IndexedValueType.KeywordList => "KeywordList",
        _ => t.ToString(),
    };

    /// <summary>An empty payload or JSON null / [] means "remove the attribute".</summary>
    public static bool IsUnset(Payload p)
    {
        if (p.Data.IsEmpty) return true;
        var s = p.Data.ToStringUtf8().Trim();
        return s is "null" or "[]";
    }

    /// <summary>Stamps the registered type and JSON encoding into the payload metadata, as Temporal does.</summary>
    public static void Normalize(Payload p, IndexedValueType type)
    {
        p.Metadata["type"] = ByteString.CopyFromUtf8(TypeName(type));
        if (!p.Metadata.ContainsKey("encoding")) p.Metadata["encoding"] = JsonPlain;
    }

    /// <summary>
    /// Decodes the payload as <paramref name="type"/>; throws <see cref="FormatException"/>
    /// with a readable reason when it is not a valid value of that type.
    /// </summary>
    public static IReadOnlyList<object> Decode(Payload p, IndexedValueType type)
    {
        if (p.Metadata.TryGetValue("encoding", out var enc) && enc != JsonPlain)
            throw new FormatException($"its encoding is '{enc.ToStringUtf8()}'; search attribute values must be json/plain");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(p.Data.Memory); }
        catch (JsonException) { throw new FormatException("its data is not valid JSON"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                if (type is not (IndexedValueType.KeywordList or IndexedValueType.Keyword))
                    throw new FormatException($"a list is only valid for KeywordList, not {TypeName(type)}");
                return root.EnumerateArray().Select(el => Scalar(el, IndexedValueType.Keyword)).Distinct().ToList();
            }
            if (type == IndexedValueType.Text)
            {
                if (root.ValueKind != JsonValueKind.String) throw new FormatException($"expected a string, got {Describe(root)}");
                return Tokenize(root.GetString()!).Cast<object>().ToList();
            }
            return new[] { Scalar(root, type == IndexedValueType.KeywordList ? IndexedValueType.Keyword : type) };
        }
    }

    private static object Scalar(JsonElement el, IndexedValueType type)
    {
        switch (type)
        {
            case IndexedValueType.Keyword:
                if (el.ValueKind != JsonValueKind.String) throw new FormatException($"expected a string, got {Describe(el)}");
                return el.GetString()!;
            case IndexedValueType.Int:
                if (el.ValueKind == JsonValueKind.Number && el.TryGetInt64(out var l)) return l;
                if (el.ValueKind == JsonValueKind.String && long.TryParse(el.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out l)) return l;
                throw new FormatException($"expected a 64-bit integer, got {Describe(el)}");
            case IndexedValueType.Double:
                if (el.ValueKind == JsonValueKind.Number) return el.GetDouble();
                if (el.ValueKind == JsonValueKind.String && double.TryParse(el.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
                throw new FormatException($"expected a number, got {Describe(el)}");
            case IndexedValueType.Bool:
                if (el.ValueKind is JsonValueKind.True or JsonValueKind.False) return el.GetBoolean() ? 1L : 0L;
                throw new FormatException($"expected true or false, got {Describe(el)}");
            case IndexedValueType.Datetime:
                if (el.ValueKind == JsonValueKind.String && TryParseTime(el.GetString()!, out var t)) return ToUnixNanos(t);
                throw new FormatException($"expected an RFC3339 date-time string, got {Describe(el)}");
            default:
                throw new FormatException($"type {TypeName(type)} is not supported");
        }
    }

    private static string Describe(JsonElement el) => el.ValueKind switch
    {
        JsonValueKind.String => $"string \"{Truncate(el.GetString()!)}\"",
        JsonValueKind.Number => $"number {el.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => el.GetRawText(),
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        _ => el.ValueKind.ToString().ToLowerInvariant(),
    };

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "...";

    /// <summary>Parses an RFC3339 date-time (a date alone means midnight UTC).</summary>
    public static bool TryParseTime(string s, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);

    public static long ToUnixNanos(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    /// <summary>Words of a Text value: maximal runs of letters and digits, lower-cased.</summary>
    public static IReadOnlyList<string> Tokenize(string text)
    {
        var words = new List<string>();
        var sb = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c)) sb.Append(char.ToLowerInvariant(c));
            else if (sb.Length > 0) { words.Add(sb.ToString()); sb.Clear(); }
        }
        if (sb.Length > 0) words.Add(sb.ToString());
        return words.Distinct().ToList();
    }
}
