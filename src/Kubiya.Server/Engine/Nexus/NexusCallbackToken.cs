using System.Text;
using System.Text.Json;

namespace Kubiya.Server.Engine.Nexus;

/// <summary>
/// What the server's completion callback for one operation points at: the caller run and the
/// operation's Scheduled event. Sent to the handler in the Nexus-Callback-Token header and handed
/// back, with the callback, when the handler workflow closes. Validated against the run on use.
/// </summary>
public sealed record NexusCallbackToken(string Namespace, string WorkflowId, string RunId, long ScheduledEventId, string RequestId)
{
    /// <summary>The header carrying the token on the callback.</summary>
    public const string Header = "Nexus-Callback-Token";

    public string Encode() => Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(this)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Decodes a token, or null when it is not one of ours.</summary>
    public static NexusCallbackToken? Decode(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        try
        {
            var b64 = text.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            var t = JsonSerializer.Deserialize<NexusCallbackToken>(Encoding.UTF8.GetString(Convert.FromBase64String(b64)));
            return t is { RunId.Length: > 0, ScheduledEventId: > 0 } ? t : null;
        }
        catch (Exception ex) when (ex is FormatException || ex is JsonException) { return null; }
    }
}
