using System.Text;
using System.Text.Json;

namespace Kubiya.Server.Engine;

/// <summary>What a task token identifies. Opaque to clients; validated on every use.</summary>
public sealed record TaskToken(
    string Kind, string Namespace, string WorkflowId, string RunId, long ScheduledEventId, int Attempt, string? QueryId = null)
{
    public const string Workflow = "wf";
    public const string Activity = "act";
    public const string Query = "q";

    public Google.Protobuf.ByteString ToByteString() =>
        Google.Protobuf.ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(this));

    /// <summary>Decodes a token or throws InvalidArgument; never trusts its contents further.</summary>
    public static TaskToken Parse(Google.Protobuf.ByteString bytes, string expectedKind)
    {
        if (bytes == null || bytes.IsEmpty) throw ServerErrors.InvalidArgument("Task token is not set.");
        TaskToken? t;
        try { t = JsonSerializer.Deserialize<TaskToken>(bytes.Span); }
        catch (Exception) { throw ServerErrors.InvalidArgument("Task token is malformed."); }
        if (t == null || t.Kind != expectedKind || string.IsNullOrEmpty(t.RunId))
            throw ServerErrors.InvalidArgument("Task token is malformed or of the wrong kind.");
        return t;
    }
}
