using System.Text.Json;
using System.Threading.Channels;

namespace Kubiya.WebUI.Events;

/// <summary>One published event: its id (for <c>Last-Event-ID</c> resume), type and JSON data.</summary>
internal sealed record HubEvent(long Id, string Type, string Json, DateTimeOffset Time);

/// <summary>
/// The live events of <c>/api/events</c>: every event gets the next id and stays in a ring of the
/// latest ones, so a client that reconnects with <c>Last-Event-ID</c> gets what it missed.
/// </summary>
internal sealed class EventHub
{
    /// <summary>Events kept for resume.</summary>
    public const int Capacity = 2000;

    private readonly object gate = new();
    private readonly LinkedList<HubEvent> ring = new();
    private readonly List<Channel<HubEvent>> subscribers = new();
    private long next;

    /// <summary>Clients connected now.</summary>
    public int Subscribers { get { lock (gate) return subscribers.Count; } }

    /// <summary>Publishes an event to every client.</summary>
    public HubEvent Publish(string type, object data)
    {
        HubEvent e;
        Channel<HubEvent>[] targets;
        lock (gate)
        {
            e = new HubEvent(++next, type, JsonSerializer.Serialize(data, WebUIJson.Options), DateTimeOffset.UtcNow);
            ring.AddLast(e);
            if (ring.Count > Capacity) ring.RemoveFirst();
            targets = subscribers.ToArray();
        }
        foreach (var c in targets) c.Writer.TryWrite(e);
        return e;
    }

    /// <summary>The latest events of <paramref name="types"/>, newest last.</summary>
    public IReadOnlyList<HubEvent> Recent(int count, params string[] types)
    {
        lock (gate) return ring.Where(e => types.Length == 0 || types.Contains(e.Type)).TakeLast(count).ToList();
    }

    /// <summary>
    /// Subscribes; the events after <paramref name="lastEventId"/> still in the ring come first
    /// (atomically with the subscription, so nothing is lost or repeated).
    /// </summary>
    public (IReadOnlyList<HubEvent> missed, ChannelReader<HubEvent> live, IDisposable subscription) Subscribe(long? lastEventId)
    {
        var channel = Channel.CreateBounded<HubEvent>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (gate)
        {
            var missed = lastEventId is { } last ? ring.Where(e => e.Id > last).ToList() : new List<HubEvent>();
            subscribers.Add(channel);
            return (missed, channel.Reader, new Subscription(this, channel));
        }
    }

    private void Remove(Channel<HubEvent> channel)
    {
        lock (gate) subscribers.Remove(channel);
        channel.Writer.TryComplete();
    }

    private sealed class Subscription(EventHub hub, Channel<HubEvent> channel) : IDisposable
    {
        public void Dispose() => hub.Remove(channel);
    }
}
