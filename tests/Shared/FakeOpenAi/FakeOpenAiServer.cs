// FakeOpenAiServer: a loopback OpenAI-compatible endpoint for tests.
//
// It speaks the real wire protocol (POST /v1/chat/completions, JSON and `stream: true` SSE with
// text deltas, fragmented tool_calls deltas, finish_reason and a final usage chunk when
// stream_options.include_usage is set; GET /v1/models), so production client code runs unchanged.
// The Azure deployment form (/openai/deployments/{name}/chat/completions?api-version=...) is served
// too, and recorded with its deployment name.
//
//   using var fake = new FakeOpenAiServer();            // binds 127.0.0.1 on a free port
//   fake.Enqueue(Reply.ToolCall("read_file", new { path = "a.txt" }))
//       .Enqueue(Reply.Text("done").WithUsage(10, 5));
//   ... point the client at fake.BaseUrl ("http://127.0.0.1:PORT/v1") ...
//   Assert.Equal(2, fake.Requests.Count);
//   Assert.Equal("Bearer sk-test", fake.Requests[0].Authorization);
//   Assert.Equal("tool", fake.Requests[1].Messages[^1].Role);
//
// Each request takes the next queued reply; when the queue is empty the Handler (if set) answers;
// otherwise the request fails with HTTP 500 "no scripted reply" (and counts in UnscriptedRequests),
// so a test that makes more calls than it scripted fails loudly. Replies can be text, tool calls,
// errors (Reply.Error(401) / Reply.RateLimited() / Reply.ServerError()), raw bodies (malformed SSE),
// delays (Reply.Text(..).After(TimeSpan)), per-chunk delays, hangs until the client cancels
// (Reply.Hang()) and dropped connections (Reply.Text(..).DropAfterChunks(n)).
// Every request is recorded (raw body, parsed messages and tools, headers, query) in Requests.

using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Kubiya.Testing.FakeOpenAi;

/// <summary>A loopback OpenAI-compatible chat completions server answering from a per-test script.</summary>
public sealed class FakeOpenAiServer : IDisposable, IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Reply> _queue = new();
    private readonly List<RecordedRequest> _requests = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _requestArrived = new(0, int.MaxValue);
    private int _unscripted;
    private int _disposed;

    /// <summary>Starts the server on 127.0.0.1 with a free port.</summary>
    public FakeOpenAiServer()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = Array.Empty<string>(), EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(HandleAsync);
        _app.StartAsync().GetAwaiter().GetResult();
        var address = _app.Services.GetService(typeof(Microsoft.AspNetCore.Hosting.Server.IServer)) is Microsoft.AspNetCore.Hosting.Server.IServer server
            ? server.Features.Get<IServerAddressesFeature>()!.Addresses.First()
            : throw new InvalidOperationException("The fake OpenAI server did not report its address.");
        RootUrl = address.Replace("[::1]", "127.0.0.1").TrimEnd('/');
    }

    /// <summary>The server root, e.g. <c>http://127.0.0.1:PORT</c> (the form Azure's api_base takes).</summary>
    public string RootUrl { get; }

    /// <summary>The OpenAI base URL, e.g. <c>http://127.0.0.1:PORT/v1</c>.</summary>
    public string BaseUrl => RootUrl + "/v1";

    /// <summary>Answers requests once the queue is empty; return null to fall through to the "no scripted reply" error.</summary>
    public Func<RecordedRequest, Reply?>? Handler { get; set; }

    /// <summary>Model ids served by <c>GET /v1/models</c>.</summary>
    public List<string> Models { get; } = new() { "gpt-4o-mini" };

    /// <summary>When set, chat requests whose key (Bearer or api-key header) differs get a real-shaped 401.</summary>
    public string? RequiredApiKey { get; set; }

    /// <summary>Every request received so far, in arrival order (a snapshot).</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get { lock (_requests) return _requests.ToArray(); }
    }

    /// <summary>Chat requests only (not /v1/models), in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> ChatRequests => Requests.Where(r => r.IsChatCompletion).ToArray();

    /// <summary>Requests that found neither a queued reply nor a handler answer.</summary>
    public int UnscriptedRequests => Volatile.Read(ref _unscripted);

    /// <summary>Replies still queued.</summary>
    public int PendingReplies => _queue.Count;

    /// <summary>Queues replies, answered in order, one per chat request.</summary>
    public FakeOpenAiServer Enqueue(params Reply[] replies)
    {
        foreach (var reply in replies) _queue.Enqueue(reply);
        return this;
    }

    /// <summary>Waits until at least <paramref name="count"/> requests have arrived.</summary>
    public async Task<IReadOnlyList<RecordedRequest>> WaitForRequestsAsync(int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (Requests.Count < count)
        {
            try { await _requestArrived.WaitAsync(cts.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { throw new TimeoutException($"The fake OpenAI server saw {Requests.Count} of {count} expected requests within {timeout}."); }
        }
        return Requests;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var recorded = await RecordedRequest.ReadAsync(context.Request).ConfigureAwait(false);
        lock (_requests) _requests.Add(recorded);
        _requestArrived.Release();

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        try
        {
            if (recorded.IsModelList) { await WriteModelsAsync(context.Response).ConfigureAwait(false); return; }
            if (!recorded.IsChatCompletion)
            {
                await ReplyWriter.WriteErrorAsync(context.Response, 404, $"Unknown path {recorded.Path}", "invalid_request_error", "not_found", linked.Token).ConfigureAwait(false);
                return;
            }
            if (RequiredApiKey != null && recorded.ApiKey != RequiredApiKey)
            {
                await ReplyWriter.WriteErrorAsync(context.Response, 401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key", linked.Token).ConfigureAwait(false);
                return;
            }
            var reply = NextReply(recorded);
            await ReplyWriter.WriteAsync(context, recorded, reply, linked.Token).ConfigureAwait(false);
            recorded.Completed = true;
        }
        catch (OperationCanceledException)
        {
            recorded.Aborted = context.RequestAborted.IsCancellationRequested;
            context.Abort();
        }
        catch (IOException)
        {
            recorded.Aborted = true;
        }
    }

    private Reply NextReply(RecordedRequest request)
    {
        if (_queue.TryDequeue(out var queued)) return queued;
        var handled = Handler?.Invoke(request);
        if (handled != null) return handled;
        Interlocked.Increment(ref _unscripted);
        return Reply.Error(500, $"The fake OpenAI server has no scripted reply for request #{Requests.Count}.");
    }

    private async Task WriteModelsAsync(HttpResponse response)
    {
        var models = Models.Select(id => new Dictionary<string, object?> { ["id"] = id, ["object"] = "model", ["created"] = 1700000000, ["owned_by"] = "fake" });
        var body = JsonSerializer.Serialize(new Dictionary<string, object?> { ["object"] = "list", ["data"] = models.ToArray() });
        response.ContentType = "application/json";
        await response.WriteAsync(body, Encoding.UTF8).ConfigureAwait(false);
    }

    /// <summary>Stops the server; hanging replies end by dropping their connection.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc cref="Dispose"/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _stopping.Cancel();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try { await _app.StopAsync(timeout.Token).ConfigureAwait(false); } catch (OperationCanceledException) { }
        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
