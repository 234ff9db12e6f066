using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Kubiya.Testing.FakeOpenAi;

/// <summary>Writes a <see cref="Reply"/> in the OpenAI chat completions wire format (JSON or SSE).</summary>
internal static class ReplyWriter
{
    private const long Created = 1700000000;

    public static async Task WriteAsync(HttpContext context, RecordedRequest request, Reply reply, CancellationToken ct)
    {
        var response = context.Response;
        if (reply.Delay > TimeSpan.Zero) await Task.Delay(reply.Delay, ct).ConfigureAwait(false);
        foreach (var header in reply.Headers) response.Headers[header.Key] = header.Value;

        switch (reply.Kind)
        {
            case ReplyKind.Hang:
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
                return;
            case ReplyKind.Error:
                await WriteErrorAsync(response, reply.Status, reply.Body ?? "", reply.ErrorType, reply.ErrorCode, ct).ConfigureAwait(false);
                return;
            case ReplyKind.Raw:
                response.StatusCode = reply.Status;
                response.ContentType = reply.ContentType;
                await response.WriteAsync(reply.Body ?? "", Encoding.UTF8, ct).ConfigureAwait(false);
                return;
        }

        var id = "chatcmpl-" + Guid.NewGuid().ToString("N").Substring(0, 24);
        var model = reply.Model ?? request.Model ?? request.Deployment ?? "gpt-4o-mini";
        var promptTokens = reply.PromptTokens ?? Math.Max(1, request.Messages.Sum(m => (m.Content?.Length ?? 0) + 4) / 4);
        var completionTokens = reply.CompletionTokens ?? Math.Max(1, ((reply.Content?.Length ?? 0) + reply.Calls.Sum(t => t.Name.Length + t.ArgumentsJson.Length)) / 4);
        var finish = reply.FinishReason ?? (reply.Calls.Count > 0 ? "tool_calls" : "stop");
        var usage = new JsonObject { ["prompt_tokens"] = promptTokens, ["completion_tokens"] = completionTokens, ["total_tokens"] = promptTokens + completionTokens };

        if (!request.Stream)
        {
            if (reply.DropAfter != null) { context.Abort(); return; }
            var message = new JsonObject { ["role"] = "assistant", ["content"] = reply.Content, ["refusal"] = null };
            if (reply.Calls.Count > 0)
                message["tool_calls"] = new JsonArray(reply.Calls.Select(c => (JsonNode)new JsonObject
                {
                    ["id"] = c.Id, ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = c.ArgumentsJson },
                }).ToArray());
            var body = new JsonObject
            {
                ["id"] = id, ["object"] = "chat.completion", ["created"] = Created, ["model"] = model, ["system_fingerprint"] = "fp_fake",
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["logprobs"] = null, ["finish_reason"] = finish }),
                ["usage"] = reply.OmitUsage ? null : usage,
            };
            response.ContentType = "application/json";
            await response.WriteAsync(body.ToJsonString(), Encoding.UTF8, ct).ConfigureAwait(false);
            return;
        }

        response.ContentType = "text/event-stream";
        response.Headers["Cache-Control"] = "no-cache";
        var sent = 0;
        async Task SendAsync(JsonObject choiceDelta, string? finishReason, JsonNode? usageNode = null, bool noChoices = false)
        {
            if (reply.DropAfter is { } drop && sent >= drop)
            {
                await response.Body.FlushAsync(ct).ConfigureAwait(false);
                // Let the client read what was sent: a reset discards data still unread on its side.
                await Task.Delay(TimeSpan.FromMilliseconds(200), ct).ConfigureAwait(false);
                context.Abort();
                throw new OperationCanceledException("dropped by script");
            }
            if (sent > 0 && reply.ChunkDelay > TimeSpan.Zero) await Task.Delay(reply.ChunkDelay, ct).ConfigureAwait(false);
            var chunk = new JsonObject
            {
                ["id"] = id, ["object"] = "chat.completion.chunk", ["created"] = Created, ["model"] = model, ["system_fingerprint"] = "fp_fake",
                ["choices"] = noChoices ? new JsonArray() : new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = choiceDelta, ["logprobs"] = null, ["finish_reason"] = finishReason }),
            };
            if (request.IncludeUsage && !reply.OmitUsage) chunk["usage"] = usageNode;
            await response.WriteAsync("data: " + chunk.ToJsonString() + "\n\n", Encoding.UTF8, ct).ConfigureAwait(false);
            await response.Body.FlushAsync(ct).ConfigureAwait(false);
            sent++;
        }

        await SendAsync(new JsonObject { ["role"] = "assistant", ["content"] = "", ["refusal"] = null }, null).ConfigureAwait(false);
        foreach (var piece in TextPieces(reply)) await SendAsync(new JsonObject { ["content"] = piece }, null).ConfigureAwait(false);
        foreach (var delta in ToolCallDeltas(reply)) await SendAsync(new JsonObject { ["tool_calls"] = new JsonArray(delta) }, null).ConfigureAwait(false);
        await SendAsync(new JsonObject(), finish).ConfigureAwait(false);
        if (request.IncludeUsage && !reply.OmitUsage) await SendAsync(new JsonObject(), null, usage, noChoices: true).ConfigureAwait(false);
        await response.WriteAsync("data: [DONE]\n\n", Encoding.UTF8, ct).ConfigureAwait(false);
        await response.Body.FlushAsync(ct).ConfigureAwait(false);
    }

    public static async Task WriteErrorAsync(HttpResponse response, int status, string message, string? type, string? code, CancellationToken ct)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        var body = new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = null, ["code"] = code } };
        await response.WriteAsync(body.ToJsonString(), Encoding.UTF8, ct).ConfigureAwait(false);
    }

    private static IEnumerable<string> TextPieces(Reply reply)
    {
        if (reply.TextChunks != null) return reply.TextChunks;
        if (string.IsNullOrEmpty(reply.Content)) return Array.Empty<string>();
        return Split(reply.Content!, reply.TextChunkSize);
    }

    /// <summary>
    /// The tool_calls deltas as OpenAI streams them: a first delta per call with index, id, type and
    /// name (empty arguments), then argument fragments carrying only the index.
    /// </summary>
    private static IEnumerable<JsonObject> ToolCallDeltas(Reply reply)
    {
        var perCall = reply.Calls.Select((call, index) =>
        {
            var deltas = new List<JsonObject>
            {
                new()
                {
                    ["index"] = index, ["id"] = call.Id, ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = "" },
                },
            };
            deltas.AddRange(Split(call.ArgumentsJson, reply.ArgumentFragmentSize)
                .Select(fragment => new JsonObject { ["index"] = index, ["function"] = new JsonObject { ["arguments"] = fragment } }));
            return deltas;
        }).ToList();

        if (!reply.InterleaveToolCalls) return perCall.SelectMany(d => d);
        var interleaved = new List<JsonObject>();
        for (var step = 0; perCall.Any(d => d.Count > step); step++)
            foreach (var deltas in perCall)
                if (step < deltas.Count) interleaved.Add(deltas[step]);
        return interleaved;
    }

    private static IEnumerable<string> Split(string text, int size)
    {
        for (var i = 0; i < text.Length; i += size) yield return text.Substring(i, Math.Min(size, text.Length - i));
    }
}
