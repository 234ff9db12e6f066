using System.Text.Json;

namespace Kubiya.Testing.FakeOpenAi;

/// <summary>
/// One scripted answer of <see cref="FakeOpenAiServer"/>: an assistant message (text and/or tool
/// calls) with usage, or an HTTP error, a raw body, a hang. Immutable-style fluent setters return
/// the same instance for chaining.
/// </summary>
public sealed class Reply
{
    private Reply() { }

    /// <summary>What the reply does on the wire.</summary>
    public ReplyKind Kind { get; private set; } = ReplyKind.Message;
    /// <summary>Assistant text (null: none).</summary>
    public string? Content { get; private set; }
    /// <summary>Tool calls of the assistant message.</summary>
    public List<FakeToolCall> Calls { get; } = new();
    /// <summary>Explicit text pieces for streaming (default: the text cut in <see cref="TextChunkSize"/> pieces).</summary>
    public IReadOnlyList<string>? TextChunks { get; private set; }
    /// <summary>Characters per streamed text delta when <see cref="TextChunks"/> is not set.</summary>
    public int TextChunkSize { get; private set; } = 4;
    /// <summary>Characters per streamed tool-arguments fragment.</summary>
    public int ArgumentFragmentSize { get; private set; } = 5;
    /// <summary>Stream parallel tool calls interleaved (fragments of call 0 and 1 alternate) instead of one after another.</summary>
    public bool InterleaveToolCalls { get; private set; }
    /// <summary>Prompt tokens reported (null: estimated from the request).</summary>
    public int? PromptTokens { get; private set; }
    /// <summary>Completion tokens reported (null: estimated from the reply).</summary>
    public int? CompletionTokens { get; private set; }
    /// <summary>Send no usage at all, as some OpenAI-compatible servers do.</summary>
    public bool OmitUsage { get; private set; }
    /// <summary>finish_reason (null: "tool_calls" when calling tools, else "stop").</summary>
    public string? FinishReason { get; private set; }
    /// <summary>The model reported back (null: the requested one).</summary>
    public string? Model { get; private set; }
    /// <summary>Wait before answering (headers included).</summary>
    public TimeSpan Delay { get; private set; }
    /// <summary>Wait between streamed chunks.</summary>
    public TimeSpan ChunkDelay { get; private set; }
    /// <summary>Abort the connection after this many streamed chunks (null: finish normally).</summary>
    public int? DropAfter { get; private set; }
    /// <summary>HTTP status for errors and raw replies.</summary>
    public int Status { get; private set; } = 200;
    /// <summary>Error message, or the raw body for <see cref="ReplyKind.Raw"/>.</summary>
    public string? Body { get; private set; }
    /// <summary>Content type of a raw body.</summary>
    public string ContentType { get; private set; } = "application/json";
    /// <summary>OpenAI error type / code of an error reply.</summary>
    public string? ErrorType { get; private set; }
    /// <summary>OpenAI error code of an error reply.</summary>
    public string? ErrorCode { get; private set; }
    /// <summary>Extra response headers (e.g. Retry-After).</summary>
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>An assistant text answer.</summary>
    public static Reply Text(string text) => new() { Content = text };

    /// <summary>An assistant answer streamed exactly in these pieces.</summary>
    public static Reply TextInChunks(params string[] chunks) => new() { Content = string.Concat(chunks), TextChunks = chunks };

    /// <summary>One tool call; <paramref name="arguments"/> is serialized to JSON (a string is taken as JSON already).</summary>
    public static Reply ToolCall(string name, object? arguments = null, string? id = null) => ToolCalls(FakeToolCall.Of(name, arguments, id));

    /// <summary>Several (parallel) tool calls in one assistant message.</summary>
    public static Reply ToolCalls(params FakeToolCall[] calls)
    {
        var reply = new Reply();
        for (var i = 0; i < calls.Length; i++)
            reply.Calls.Add(calls[i].Id == null ? calls[i] with { Id = $"call_{Guid.NewGuid():N}".Substring(0, 29) } : calls[i]);
        return reply;
    }

    /// <summary>An OpenAI-shaped error (<c>{"error":{"message","type","code"}}</c>) with this status.</summary>
    public static Reply Error(int status, string? message = null, string? type = null, string? code = null) => new()
    {
        Kind = ReplyKind.Error,
        Status = status,
        Body = message ?? $"Fake error {status}.",
        ErrorType = type ?? (status >= 500 ? "server_error" : "invalid_request_error"),
        ErrorCode = code,
    };

    /// <summary>401 invalid_api_key.</summary>
    public static Reply Unauthorized() => Error(401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key");

    /// <summary>429 rate_limit_exceeded with a Retry-After header.</summary>
    public static Reply RateLimited(int retryAfterSeconds = 1)
    {
        var reply = Error(429, "Rate limit reached for requests.", "requests", "rate_limit_exceeded");
        reply.Headers["Retry-After"] = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return reply;
    }

    /// <summary>500 server_error.</summary>
    public static Reply ServerError() => Error(500, "The server had an error while processing your request.", "server_error");

    /// <summary>A raw body sent as is (for malformed JSON or SSE).</summary>
    public static Reply Raw(string body, string contentType = "text/event-stream", int status = 200) =>
        new() { Kind = ReplyKind.Raw, Body = body, ContentType = contentType, Status = status };

    /// <summary>Holds the request open until the client cancels it or the server is disposed.</summary>
    public static Reply Hang() => new() { Kind = ReplyKind.Hang };

    /// <summary>Adds text to a tool-call reply (streamed before the calls).</summary>
    public Reply WithText(string text) { Content = text; return this; }

    /// <summary>Reports this usage (prompt and completion tokens).</summary>
    public Reply WithUsage(int promptTokens, int completionTokens) { PromptTokens = promptTokens; CompletionTokens = completionTokens; return this; }

    /// <summary>Reports no usage (no usage chunk, no usage field).</summary>
    public Reply WithoutUsage() { OmitUsage = true; return this; }

    /// <summary>Reports this finish_reason.</summary>
    public Reply WithFinishReason(string finishReason) { FinishReason = finishReason; return this; }

    /// <summary>Reports this model name.</summary>
    public Reply WithModel(string model) { Model = model; return this; }

    /// <summary>Streams text in pieces of <paramref name="characters"/>.</summary>
    public Reply WithTextChunkSize(int characters) { TextChunkSize = Math.Max(1, characters); return this; }

    /// <summary>Streams tool arguments in fragments of <paramref name="characters"/>.</summary>
    public Reply WithArgumentFragmentSize(int characters) { ArgumentFragmentSize = Math.Max(1, characters); return this; }

    /// <summary>Interleaves the fragments of parallel tool calls.</summary>
    public Reply Interleaved() { InterleaveToolCalls = true; return this; }

    /// <summary>Waits before answering.</summary>
    public Reply After(TimeSpan delay) { Delay = delay; return this; }

    /// <summary>Waits between streamed chunks (a slow answer).</summary>
    public Reply WithChunkDelay(TimeSpan delay) { ChunkDelay = delay; return this; }

    /// <summary>Drops the connection after <paramref name="chunks"/> streamed chunks (non-streaming: before the body).</summary>
    public Reply DropAfterChunks(int chunks) { DropAfter = Math.Max(0, chunks); return this; }

    /// <summary>Adds a response header.</summary>
    public Reply WithHeader(string name, string value) { Headers[name] = value; return this; }
}

/// <summary>What a <see cref="Reply"/> does.</summary>
public enum ReplyKind
{
    /// <summary>A chat completion (JSON or SSE, as the request asks).</summary>
    Message,
    /// <summary>An OpenAI error body with a status.</summary>
    Error,
    /// <summary>A raw body.</summary>
    Raw,
    /// <summary>No answer until cancelled.</summary>
    Hang,
}

/// <summary>A scripted tool call.</summary>
public sealed record FakeToolCall(string Name, string ArgumentsJson, string? Id = null)
{
    /// <summary>A call of <paramref name="name"/>; <paramref name="arguments"/> is serialized (a string is taken as JSON already).</summary>
    public static FakeToolCall Of(string name, object? arguments = null, string? id = null) =>
        new(name, arguments switch { null => "{}", string s => s, _ => JsonSerializer.Serialize(arguments) }, id);
}
