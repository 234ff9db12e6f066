using System.Collections.Concurrent;
using Kubiya.Server.Storage;

namespace Kubiya.Server.Engine;

/// <summary>Registered namespaces; "default" always exists.</summary>
public sealed class Namespaces
{
    private readonly ConcurrentDictionary<string, NamespaceEntry> map = new();
    private readonly SqliteStore store;

    public Namespaces(SqliteStore store)
    {
        this.store = store;
        foreach (var (name, id, data) in store.LoadNamespaces())
            map[name] = new NamespaceEntry(name, id, data == null ? "" : System.Text.Encoding.UTF8.GetString(data));
        if (!map.ContainsKey("default")) Register("default", "Default namespace");
    }

    public NamespaceEntry Register(string name, string description)
    {
        var entry = new NamespaceEntry(name, Guid.NewGuid().ToString(), description);
        store.SaveNamespace(name, entry.Id, System.Text.Encoding.UTF8.GetBytes(description));
        map[name] = entry;
        return entry;
    }

    public bool Exists(string name) => map.ContainsKey(name);

    public NamespaceEntry Get(string name)
    {
        if (string.IsNullOrEmpty(name)) throw ServerErrors.InvalidArgument("Namespace is not set on request.");
        return map.TryGetValue(name, out var e) ? e : throw ServerErrors.NamespaceNotFound(name);
    }

    public IReadOnlyCollection<NamespaceEntry> All => map.Values.OrderBy(n => n.Name).ToList();
}

/// <summary>A namespace's identity.</summary>
public sealed record NamespaceEntry(string Name, string Id, string Description);
