using System.Text.RegularExpressions;
using Kubiya.Server.Storage;
using Temporalio.Api.Nexus.V1;
using Endpoint = Temporalio.Api.Nexus.V1.Endpoint;

namespace Kubiya.Server.Engine.Nexus;

/// <summary>
/// The server's Nexus endpoints, in memory and in SQLite. Used only under the engine lock; every
/// change is written inside the engine transition that makes it, and published after commit.
/// </summary>
public sealed partial class NexusEndpointRegistry
{
    private readonly Dictionary<string, Endpoint> byId = new();
    private readonly Dictionary<string, Endpoint> byName = new(StringComparer.Ordinal);

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_-]*$")]
    private static partial Regex NamePattern();

    /// <summary>Longest endpoint name accepted (Temporal's limit).</summary>
    public const int MaxNameLength = 200;

    /// <summary>Creates the table when absent and loads every endpoint.</summary>
    public static NexusEndpointRegistry Load(SqliteStore store)
    {
        NexusEndpointStore.EnsureSchema(store);
        var registry = new NexusEndpointRegistry();
        foreach (var ep in NexusEndpointStore.LoadAll(store)) registry.Publish(ep);
        return registry;
    }

    public Endpoint? ById(string id) => byId.TryGetValue(id, out var ep) ? ep : null;
    public Endpoint? ByName(string name) => byName.TryGetValue(name, out var ep) ? ep : null;

    /// <summary>Every endpoint, in a stable order (by id) so pages do not shift between calls.</summary>
    public IReadOnlyList<Endpoint> All() => byId.Values.OrderBy(e => e.Id, StringComparer.Ordinal).ToList();

    /// <summary>Makes a committed endpoint visible (or replaces its previous version).</summary>
    public void Publish(Endpoint ep)
    {
        if (byId.TryGetValue(ep.Id, out var old)) byName.Remove(old.Spec.Name);
        byId[ep.Id] = ep;
        byName[ep.Spec.Name] = ep;
    }

    public void Unpublish(string id)
    {
        if (byId.Remove(id, out var old)) byName.Remove(old.Spec.Name);
    }

    /// <summary>Checks a spec as Temporal does; returns the problem in the caller's terms, or null.</summary>
    public static string? SpecProblem(EndpointSpec? spec, Func<string, bool> namespaceExists)
    {
        if (spec == null) return "Endpoint spec is not set on request.";
        if (string.IsNullOrEmpty(spec.Name)) return "Endpoint name is not set on request.";
        if (spec.Name.Length > MaxNameLength) return $"Endpoint name exceeds the length limit of {MaxNameLength}.";
        if (!NamePattern().IsMatch(spec.Name))
            return $"Endpoint name '{spec.Name}' is invalid: it must start with a letter or underscore and contain only letters, digits, underscores and hyphens.";
        switch (spec.Target?.VariantCase)
        {
            case EndpointTarget.VariantOneofCase.Worker:
                var w = spec.Target.Worker;
                if (string.IsNullOrEmpty(w.Namespace)) return "Endpoint target namespace is not set.";
                if (string.IsNullOrEmpty(w.TaskQueue)) return "Endpoint target task queue is not set.";
                if (!namespaceExists(w.Namespace)) return $"Endpoint target namespace '{w.Namespace}' is not found.";
                return null;
            case EndpointTarget.VariantOneofCase.External:
                var url = spec.Target.External.Url;
                if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || (u.Scheme != "http" && u.Scheme != "https"))
                    return $"Endpoint external target URL '{url}' is invalid: it must be an absolute http or https URL.";
                return null;
            default:
                return "Endpoint target is not set: give a worker target (namespace and task queue) or an external URL.";
        }
    }
}
