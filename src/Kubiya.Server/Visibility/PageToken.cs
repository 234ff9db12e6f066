using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Kubiya.Server.Engine;
using Kubiya.Server.Visibility.Query;

namespace Kubiya.Server.Visibility;

/// <summary>
/// A keyset page token: the sort-key values of the last row returned, plus a fingerprint of
/// the query so a token cannot be replayed against another one. The next page starts strictly
/// after that row, so runs started or closed while paging cause neither duplicates nor gaps.
/// </summary>
public sealed record PageToken(string Fingerprint, IReadOnlyList<object?> Keys)
{
    public ByteString Encode()
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new Wire { F = Fingerprint, K = Keys.ToArray() });
        return ByteString.CopyFrom(json);
    }

    /// <summary>Fingerprint of a query in a namespace.</summary>
    public static string FingerprintOf(string ns, string query)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(ns + "\n" + query));
        return Convert.ToHexString(hash, 0, 8);
    }

    /// <summary>Decodes and checks a token against the query and its sort keys; InvalidArgument otherwise.</summary>
    public static PageToken Decode(ByteString bytes, string fingerprint, IReadOnlyList<QuerySortKey> sort)
    {
        Wire? wire;
        try { wire = JsonSerializer.Deserialize<Wire>(bytes.Span); }
        catch (JsonException) { throw ServerErrors.InvalidArgument("Invalid NextPageToken: it is malformed."); }
        if (wire?.F == null || wire.K == null) throw ServerErrors.InvalidArgument("Invalid NextPageToken: it is malformed.");
        if (wire.F != fingerprint)
            throw ServerErrors.InvalidArgument("Invalid NextPageToken: it was issued for a different query or namespace.");
        if (wire.K.Length != sort.Count) throw ServerErrors.InvalidArgument("Invalid NextPageToken: it is malformed.");
        var keys = new object?[sort.Count];
        for (var i = 0; i < sort.Count; i++)
        {
            var el = (JsonElement?)wire.K[i];
            keys[i] = el?.ValueKind switch
            {
                null or JsonValueKind.Null when sort[i].Nullable => null,
                JsonValueKind.String when sort[i].IsText => el.Value.GetString(),
                JsonValueKind.Number when !sort[i].IsText && el.Value.TryGetInt64(out var l) => l,
                _ => throw ServerErrors.InvalidArgument("Invalid NextPageToken: it is malformed."),
            };
        }
        return new PageToken(fingerprint, keys);
    }

    private sealed class Wire
    {
        public string? F { get; set; }
        public object?[]? K { get; set; }
    }
}
