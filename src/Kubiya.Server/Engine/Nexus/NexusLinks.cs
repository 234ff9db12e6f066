using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;

namespace Kubiya.Server.Engine.Nexus;

/// <summary>
/// Converts between Temporal's typed links (temporal.api.common.v1.Link) and the URL form Nexus
/// carries them in: temporal:///namespaces/NS/workflows/WID/RID/history?referenceType=EventReference&amp;eventID=N&amp;eventType=T.
/// </summary>
public static class NexusLinks
{
    private static readonly string WorkflowEventType = Link.Types.WorkflowEvent.Descriptor.FullName;

    /// <summary>The Nexus link to one event of a run.</summary>
    public static Temporalio.Api.Nexus.V1.Link ToNexus(string ns, string workflowId, string runId, long eventId, EventType type) => new()
    {
        Type = WorkflowEventType,
        Url = $"temporal:///namespaces/{Uri.EscapeDataString(ns)}/workflows/{Uri.EscapeDataString(workflowId)}/{Uri.EscapeDataString(runId)}/history"
            + $"?referenceType=EventReference&eventID={eventId}&eventType={Uri.EscapeDataString(type.ToString())}",
    };

    /// <summary>The typed link for a Nexus link, or null when it is not a workflow event link this server understands.</summary>
    public static Link? FromNexus(Temporalio.Api.Nexus.V1.Link link)
    {
        if (link.Type != WorkflowEventType || !Uri.TryCreate(link.Url, UriKind.Absolute, out var uri) || uri.Scheme != "temporal") return null;
        var parts = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 6 || parts[0] != "namespaces" || parts[2] != "workflows" || parts[5] != "history") return null;
        var ev = new Link.Types.WorkflowEvent
        {
            Namespace = Uri.UnescapeDataString(parts[1]),
            WorkflowId = Uri.UnescapeDataString(parts[3]),
            RunId = Uri.UnescapeDataString(parts[4]),
        };
        var query = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(kv => kv.Split('=', 2))
            .ToDictionary(kv => Uri.UnescapeDataString(kv[0]), kv => kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : "");
        var type = query.TryGetValue("eventType", out var t) ? ParseEventType(t) : EventType.Unspecified;
        if (query.TryGetValue("referenceType", out var rt) && rt == "RequestIdReference")
            ev.RequestIdRef = new() { RequestId = query.GetValueOrDefault("requestID", ""), EventType = type };
        else
            ev.EventRef = new() { EventId = query.TryGetValue("eventID", out var id) && long.TryParse(id, out var n) ? n : 0, EventType = type };
        return new Link { WorkflowEvent = ev };
    }

    /// <summary>Accepts both spellings SDKs use: "WorkflowExecutionStarted" and "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED".</summary>
    private static EventType ParseEventType(string text)
    {
        if (Enum.TryParse<EventType>(text, ignoreCase: true, out var e)) return e;
        var pascal = string.Concat(text.Replace("EVENT_TYPE_", "").Split('_', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => char.ToUpperInvariant(w[0]) + w[1..].ToLowerInvariant()));
        return Enum.TryParse<EventType>(pascal, ignoreCase: true, out e) ? e : EventType.Unspecified;
    }
}
