using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Kubiya.Core.Tests.Planning;

/// <summary>A real HTTP server on 127.0.0.1 and a free port, answering with a function of the request.</summary>
internal sealed class LoopbackHttp : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Func<HttpListenerRequest, (int Status, string ContentType, string Body)> respond;
    private readonly Task loop;

    public LoopbackHttp(Func<HttpListenerRequest, (int, string, string)> respond)
    {
        this.respond = respond;
        Port = FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";
    public ConcurrentQueue<(string Url, string? Authorization, string? Accept)> Requests { get; } = new();

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await listener.GetContextAsync(); }
            catch (Exception) { return; }
            Requests.Enqueue((ctx.Request.Url!.PathAndQuery, ctx.Request.Headers["Authorization"], ctx.Request.Headers["Accept"]));
            var (status, type, body) = respond(ctx.Request);
            var bytes = Encoding.UTF8.GetBytes(body);
            ctx.Response.StatusCode = status;
            ctx.Response.ContentType = type;
            ctx.Response.ContentLength64 = bytes.Length;
            await ctx.Response.OutputStream.WriteAsync(bytes);
            ctx.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        try { loop.Wait(2000); } catch (AggregateException) { }
    }
}
