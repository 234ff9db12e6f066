using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Kubiya.Testing.FakeOpenAi;

namespace Kubiya.Core.Tests.Agents;

/// <summary>The fake's wire format, read with a plain HTTP client (what every other test relies on).</summary>
[Trait("Category", "Agents")]
public sealed class FakeOpenAiServerTests
{
    private static readonly HttpClient Http = new();

    private static async Task<HttpResponseMessage> PostAsync(FakeOpenAiServer fake, object body, string key = "sk-test", CancellationToken ct = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, fake.BaseUrl + "/chat/completions")
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    private static List<JsonElement> ReadSse(string body)
    {
        var chunks = new List<JsonElement>();
        var lines = body.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l.Substring(6)).ToList();
        Assert.Equal("[DONE]", lines[^1]);
        foreach (var line in lines.Take(lines.Count - 1)) chunks.Add(JsonDocument.Parse(line).RootElement.Clone());
        return chunks;
    }

    [Fact]
    public async Task NonStreamingReplyHasMessageUsageAndIsRecorded()
    {
        using var fake = new FakeOpenAiServer();
        fake.Enqueue(Reply.Text("hello there").WithUsage(12, 3));
        using var response = await PostAsync(fake, new { model = "gpt-4o-mini", messages = new[] { new { role = "user", content = "hi" } } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("hello there", json.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", json.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(12, json.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(3, json.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        var recorded = Assert.Single(fake.Requests);
        Assert.Equal("Bearer sk-test", recorded.Authorization);
        Assert.Equal("sk-test", recorded.ApiKey);
        Assert.Equal("gpt-4o-mini", recorded.Model);
        Assert.False(recorded.Stream);
        Assert.Equal("hi", Assert.Single(recorded.Messages).Content);
        Assert.True(recorded.Completed);
    }

    [Fact]
    public async Task StreamedToolCallsArriveAsFragmentedDeltasWithFinalUsageChunk()
    {
        using var fake = new FakeOpenAiServer();
        fake.Enqueue(Reply.ToolCalls(FakeToolCall.Of("read_file", new { path = "a.txt" }, "call_1"), FakeToolCall.Of("list_files", new { glob = "*.cs" }, "call_2"))
            .WithText("Looking.").WithArgumentFragmentSize(3).Interleaved().WithUsage(20, 7));
        using var response = await PostAsync(fake, new { model = "m", stream = true, stream_options = new { include_usage = true }, messages = new[] { new { role = "user", content = "go" } } });
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var chunks = ReadSse(await response.Content.ReadAsStringAsync());

        var text = string.Concat(chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Where(d => d.TryGetProperty("content", out var v) && v.ValueKind == JsonValueKind.String).Select(d => d.GetProperty("content").GetString()));
        Assert.Equal("Looking.", text);

        var args = new Dictionary<int, StringBuilder>();
        var ids = new Dictionary<int, string>();
        var fragments = 0;
        var order = new List<int>();
        foreach (var chunk in chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0))
        {
            var delta = chunk.GetProperty("choices")[0].GetProperty("delta");
            if (!delta.TryGetProperty("tool_calls", out var calls)) continue;
            foreach (var call in calls.EnumerateArray())
            {
                var index = call.GetProperty("index").GetInt32();
                order.Add(index);
                if (call.TryGetProperty("id", out var id)) ids[index] = id.GetString()!;
                var fragment = call.GetProperty("function").GetProperty("arguments").GetString()!;
                if (fragment.Length > 0) fragments++;
                (args.TryGetValue(index, out var sb) ? sb : args[index] = new StringBuilder()).Append(fragment);
            }
        }
        Assert.Equal("call_1", ids[0]);
        Assert.Equal("call_2", ids[1]);
        Assert.Equal("{\"path\":\"a.txt\"}", args[0].ToString());
        Assert.Equal("{\"glob\":\"*.cs\"}", args[1].ToString());
        Assert.True(fragments > 4, "arguments should arrive in several fragments");
        Assert.Equal(new[] { 0, 1, 0, 1 }, order.Take(4));

        var finish = chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(c => c.GetProperty("choices")[0].GetProperty("finish_reason")).Last(f => f.ValueKind == JsonValueKind.String);
        Assert.Equal("tool_calls", finish.GetString());
        var last = chunks[^1];
        Assert.Equal(0, last.GetProperty("choices").GetArrayLength());
        Assert.Equal(27, last.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.True(Assert.Single(fake.Requests).IncludeUsage);
    }

    [Fact]
    public async Task ErrorsHaveOpenAiShapeAndUnscriptedRequestsFailLoudly()
    {
        using var fake = new FakeOpenAiServer();
        fake.Enqueue(Reply.RateLimited(7));
        using (var limited = await PostAsync(fake, new { model = "m", messages = Array.Empty<object>() }))
        {
            Assert.Equal(429, (int)limited.StatusCode);
            Assert.Equal("7", limited.Headers.GetValues("Retry-After").Single());
            var error = JsonDocument.Parse(await limited.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
            Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
        }
        using (var unscripted = await PostAsync(fake, new { model = "m", messages = Array.Empty<object>() }))
            Assert.Equal(500, (int)unscripted.StatusCode);
        Assert.Equal(1, fake.UnscriptedRequests);

        fake.Handler = r => Reply.Text("handled " + r.Model);
        using var handled = await PostAsync(fake, new { model = "x", messages = Array.Empty<object>() });
        Assert.Contains("handled x", await handled.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HangEndsWhenTheClientCancelsAndIsMarkedAborted()
    {
        using var fake = new FakeOpenAiServer();
        fake.Enqueue(Reply.Hang());
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PostAsync(fake, new { model = "m", messages = Array.Empty<object>() }, ct: cts.Token));
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!fake.Requests[0].Aborted && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(fake.Requests[0].Aborted);
        Assert.False(fake.Requests[0].Completed);
    }

    [Fact]
    public async Task ServesModelsAndRequiredKey()
    {
        using var fake = new FakeOpenAiServer { RequiredApiKey = "sk-right" };
        var models = JsonDocument.Parse(await Http.GetStringAsync(fake.BaseUrl + "/models")).RootElement;
        Assert.Equal("gpt-4o-mini", models.GetProperty("data")[0].GetProperty("id").GetString());
        fake.Enqueue(Reply.Text("never"));
        using var response = await PostAsync(fake, new { model = "m", messages = Array.Empty<object>() }, key: "sk-wrong");
        Assert.Equal(401, (int)response.StatusCode);
        Assert.Equal(1, fake.PendingReplies);
    }
}
