using Google.Protobuf;
using Grpc.Core;

namespace Kubiya.Server.Rpc;

/// <summary>
/// Request bodies that are not the protobuf message the method expects: answered InvalidArgument
/// with one log line, instead of Grpc's "Exception was thrown by handler" (Unknown) and a stack trace per request.
/// </summary>
public static class MalformedRequests
{
    /// <summary>Where the one line per malformed request goes (the server's log, set at start).</summary>
    public static Action<string>? Log { get; set; }

    /// <summary>Parses <paramref name="body"/>, or throws InvalidArgument naming <paramref name="method"/>.</summary>
    public static T Parse<T>(MessageParser<T> parser, byte[] body, string method) where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException ex)
        {
            Log?.Invoke($"Malformed {method} request ({body.Length} bytes): {ex.Message}");
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"Malformed request: the body is not a valid {method} request ({ex.Message})"));
        }
    }
}
