using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Kubiya.Testing.FakeOpenAi;

/// <summary>A request as <see cref="FakeOpenAiServer"/> received it, parsed for assertions.</summary>
public sealed class RecordedRequest
{
    /// <summary>HTTP method.</summary>
    public string Method { get; private init; } = "";
    /// <summary>Path without the query (e.g. <c>/v1/chat/completions</c>).</summary>
    public string Path { get; private init; } = "";
    /// <summary>Query string values (e.g. <c>api-version</c>).</summary>
    public IReadOnlyDictionary<string, string> Query { get; private init; } = new Dictionary<string, string>();
    /// <summary>Headers (case-insensitive names; repeated values joined with ", ").</summary>
    public IReadOnlyDictionary<string, string> Headers { get; private init; } = new Dictionary<string, string>();
    /// <summary>The raw body.</summary>
    public string Body { get; private init; } = "";
    /// <summary>The body as JSON, when it parsed.</summary>
    public JsonElement? Json { get; private init; }
    /// <summary>The requested model (for Azure: the deployment's body model, if any).</summary>
    public string? Model { get; private init; }
    /// <summary>The Azure deployment in the path, when the deployment form was used.</summary>
    public string? Deployment { get; private init; }
    /// <summary>True when <c>stream: true</c>.</summary>
    public bool Stream { get; private init; }
    /// <summary>True when <c>stream_options.include_usage: true</c>.</summary>
    public bool IncludeUsage { get; private init; }
    /// <summary>The conversation sent.</summary>
    public IReadOnlyList<RecordedMessage> Messages { get; private init; } = Array.Empty<RecordedMessage>();
    /// <summary>Names of the function tools offered.</summary>
    public IReadOnlyList<string> ToolNames { get; private init; } = Array.Empty<string>();
    /// <summary>The tools array as sent (for schema assertions).</summary>
    public JsonElement? Tools { get; private init; }
    /// <summary>The Authorization header, when present.</summary>
    public string? Authorization => Headers.TryGetValue("Authorization", out var v) ? v : null;
    /// <summary>The key sent: the Bearer token, or Azure's <c>api-key</c> header.</summary>
    public string? ApiKey =>
        Headers.TryGetValue("api-key", out var key) ? key
        : Authorization is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? auth.Substring(7) : null;
    /// <summary>True for a chat completions call (OpenAI or Azure deployment form).</summary>
    public bool IsChatCompletion => Method == "POST" && Path.EndsWith("/chat/completions", StringComparison.Ordinal);
    /// <summary>True for <c>GET /v1/models</c>.</summary>
    public bool IsModelList => Method == "GET" && Path.EndsWith("/models", StringComparison.Ordinal);
    /// <summary>Set when the reply was fully written.</summary>
    public bool Completed { get; internal set; }
    /// <summary>Set when the client went away before the reply ended (cancellation).</summary>
    public bool Aborted { get; internal set; }

    internal static async Task<RecordedRequest> ReadAsync(HttpRequest request)
    {
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8)) body = await reader.ReadToEndAsync().ConfigureAwait(false);
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(", ", h.Value.ToArray()), StringComparer.OrdinalIgnoreCase);
        var query = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var path = request.Path.Value ?? "";
        JsonElement? json = null;
        try { if (body.Length > 0) json = JsonDocument.Parse(body).RootElement.Clone(); } catch (JsonException) { }

        var root = json is { ValueKind: JsonValueKind.Object } r ? r : (JsonElement?)null;
        return new RecordedRequest
        {
            Method = request.Method,
            Path = path,
            Query = query,
            Headers = headers,
            Body = body,
            Json = json,
            Model = root?.TryGetProperty("model", out var m) == true && m.ValueKind == JsonValueKind.String ? m.GetString() : null,
            Deployment = DeploymentOf(path),
            Stream = root?.TryGetProperty("stream", out var s) == true && s.ValueKind == JsonValueKind.True,
            IncludeUsage = root?.TryGetProperty("stream_options", out var so) == true && so.ValueKind == JsonValueKind.Object
                && so.TryGetProperty("include_usage", out var iu) && iu.ValueKind == JsonValueKind.True,
            Messages = root?.TryGetProperty("messages", out var msgs) == true && msgs.ValueKind == JsonValueKind.Array
                ? msgs.EnumerateArray().Select(RecordedMessage.Parse).ToArray() : Array.Empty<RecordedMessage>(),
            Tools = root?.TryGetProperty("tools", out var tools) == true ? tools.Clone() : null,
            ToolNames = root?.TryGetProperty("tools", out var t) == true && t.ValueKind == JsonValueKind.Array
                ? t.EnumerateArray().Select(x => x.TryGetProperty("function", out var f) && f.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "").ToArray()
                : Array.Empty<string>(),
        };
    }

    private static string? DeploymentOf(string path)
    {
        const string marker = "/openai/deployments/";
        var at = path.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) return null;
        var rest = path.Substring(at + marker.Length);
        var slash = rest.IndexOf('/');
        return Uri.UnescapeDataString(slash < 0 ? rest : rest.Substring(0, slash));
    }

    /// <inheritdoc />
    public override string ToString() => $"{Method} {Path} model={Model} stream={Stream} messages={Messages.Count}";
}

/// <summary>One message of a recorded request.</summary>
public sealed record RecordedMessage(string Role, string? Content, IReadOnlyList<FakeToolCall> ToolCalls, string? ToolCallId, string? Name)
{
    internal static RecordedMessage Parse(JsonElement message)
    {
        string? Str(string name) => message.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        string? content = null;
        if (message.TryGetProperty("content", out var c))
        {
            // content is a string, or an array of parts ({"type":"text","text":...}).
            if (c.ValueKind == JsonValueKind.String) content = c.GetString();
            else if (c.ValueKind == JsonValueKind.Array)
                content = string.Concat(c.EnumerateArray().Select(p => p.TryGetProperty("text", out var t) ? t.GetString() : ""));
        }
        var calls = new List<FakeToolCall>();
        if (message.TryGetProperty("tool_calls", out var tc) && tc.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in tc.EnumerateArray())
            {
                var fn = call.GetProperty("function");
                calls.Add(new FakeToolCall(
                    fn.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "",
                    fn.TryGetProperty("arguments", out var a) ? a.GetString() ?? "" : "",
                    call.TryGetProperty("id", out var id) ? id.GetString() : null));
            }
        }
        return new RecordedMessage(Str("role") ?? "", content, calls, Str("tool_call_id"), Str("name"));
    }
}
