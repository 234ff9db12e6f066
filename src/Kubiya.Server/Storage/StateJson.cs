using System.Collections;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Kubiya.Server.Storage;

/// <summary>
/// How a run's state is written: every property whose value equals the one a newly constructed
/// object holds is left out, so reading the JSON back (which starts from a new object) restores it.
/// Most of a run's state is defaults (an activity alone has some 30 fields). Written in full, a
/// one-activity run's row passed SQLite's in-page limit for a row (about 1 KB on a 4 KB page), so
/// transitions rewrote overflow pages too; the compact form is 30-50 % smaller (bench: 865-1169 B
/// become 527-815 B between tasks), and the bytes the server writes per execution fell by about 11 %.
/// Older databases, which hold the full form, read back unchanged.
/// </summary>
internal static class StateJson
{
    /// <summary>The serializer options for <see cref="Engine.ExecutionState"/>.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        IncludeFields = false,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OmitConstructedDefaults } },
    };

    private static readonly ConcurrentDictionary<Type, object?> Fresh = new();

    private static void OmitConstructedDefaults(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object || info.Type.GetConstructor(Type.EmptyTypes) == null) return;
        var fresh = Fresh.GetOrAdd(info.Type, t => Activator.CreateInstance(t));
        foreach (var p in info.Properties)
        {
            if (p.Get == null || p.Set == null) continue;
            var initial = p.Get(fresh!);
            var earlier = p.ShouldSerialize;
            p.ShouldSerialize = (owner, value) => (earlier == null || earlier(owner, value)) && !SameAsInitial(initial, value);
        }
    }

    /// <summary>Whether a property's value is what a new object starts with (empty collections count as the same).</summary>
    private static bool SameAsInitial(object? initial, object? value) => (initial, value) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (string a, string b) => a == b,
        (ICollection a, ICollection b) => a.Count == 0 && b.Count == 0,
        _ when initial.GetType().IsValueType => initial.Equals(value),
        _ => false,
    };
}
