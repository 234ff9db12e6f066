using System.Net;
using System.Net.Sockets;
using System.Text;
using Kubiya.Core.Agents.Llm.Tools;

namespace Kubiya.Core.Tests.Agents.Tools;

/// <summary>http_get against a real HTTP listener on 127.0.0.1.</summary>
[Trait("Category", "Agents")]
public sealed class HttpGetToolTests : IDisposable
{
    private readonly ToolWorkspace ws = new();
    private readonly HttpListener listener = new();
    private readonly int port;
    private int requests;

    public HttpGetToolTests()
    {
        port = FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        _ = ServeAsync();
    }

    public void Dispose()
    {
        listener.Close();
        ws.Dispose();
    }

    private string Url(string path) => $"http://127.0.0.1:{port}{path}";

    [Fact]
    public void HttpGetIsOffByDefault()
    {
        var r = ws.Run(BuiltInTools.HttpGet, new { url = Url("/hello") });
        Assert.True(r.IsError);
        Assert.Contains("http_get is off for this agent", r.Output);
        Assert.Equal(0, Volatile.Read(ref requests));
    }

    [Fact]
    public void AnAllowedLoopbackHostIsFetched()
    {
        ws.Policy.HttpAllowHosts.Add("127.0.0.1");
        var r = ws.Run(BuiltInTools.HttpGet, new { url = Url("/hello"), headers = new Dictionary<string, string> { ["X-Test"] = "yes" } });
        Assert.False(r.IsError, r.Output);
        Assert.StartsWith("HTTP 200 OK\n", r.Output);
        Assert.Contains("content-type: text/plain", r.Output);
        Assert.EndsWith("hello from the listener (X-Test=yes)", r.Output);

        var missing = ws.Run(BuiltInTools.HttpGet, new { url = Url("/missing") });
        Assert.True(missing.IsError);
        Assert.StartsWith("HTTP 404", missing.Output);
    }

    [Fact]
    public void OtherHostsAndRedirectsToThemAreRefused()
    {
        ws.Policy.HttpAllowHosts.Add("example.invalid");
        var r = ws.Run(BuiltInTools.HttpGet, new { url = Url("/hello") });
        Assert.True(r.IsError);
        Assert.Contains("host '127.0.0.1' is not in this agent's allowed hosts (example.invalid)", r.Output);

        ws.Policy.HttpAllowHosts.Add("127.0.0.1");
        var redirect = ws.Run(BuiltInTools.HttpGet, new { url = Url("/redirect-out") });
        Assert.True(redirect.IsError);
        Assert.Contains("host 'localhost' is not in this agent's allowed hosts", redirect.Output);

        var inside = ws.Run(BuiltInTools.HttpGet, new { url = Url("/redirect-in") });
        Assert.False(inside.IsError, inside.Output);
        Assert.Contains("hello from the listener", inside.Output);

        Assert.Contains("not an absolute http", ws.Run(BuiltInTools.HttpGet, new { url = "file:///etc/passwd" }).Output);
    }

    [Fact]
    public void ALargeBodyIsBoundedAndASlowServerTimesOut()
    {
        ws.Policy.HttpAllowHosts.Add("127.0.0.1");
        ws.Runner.MaxOutputBytes = 4096;
        var big = ws.Run(BuiltInTools.HttpGet, new { url = Url("/big") });
        Assert.False(big.IsError);
        Assert.True(big.Truncated);
        Assert.Contains("bytes truncated", big.Output);
        Assert.True(Encoding.UTF8.GetByteCount(big.Output) < 4096 + 300);

        var slow = ws.Run(BuiltInTools.HttpGet, new { url = Url("/slow"), timeoutSeconds = 0.5 });
        Assert.True(slow.IsError);
        Assert.Contains("no answer from '127.0.0.1' within 0.5s", slow.Output);
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await listener.GetContextAsync(); }
            catch (Exception) { return; }
            Interlocked.Increment(ref requests);
            _ = Task.Run(async () =>
            {
                var res = ctx.Response;
                var path = ctx.Request.Url!.AbsolutePath;
                try
                {
                    switch (path)
                    {
                        case "/hello":
                            await Send(res, 200, $"hello from the listener (X-Test={ctx.Request.Headers["X-Test"]})");
                            break;
                        case "/redirect-out":
                            res.StatusCode = 302;
                            res.RedirectLocation = $"http://localhost:{port}/hello";
                            res.Close();
                            break;
                        case "/redirect-in":
                            res.StatusCode = 302;
                            res.RedirectLocation = "/hello";
                            res.Close();
                            break;
                        case "/big":
                            await Send(res, 200, string.Concat(Enumerable.Range(0, 20000).Select(i => $"row {i}\n")));
                            break;
                        case "/slow":
                            await Task.Delay(5000);
                            await Send(res, 200, "late");
                            break;
                        default:
                            await Send(res, 404, "not here");
                            break;
                    }
                }
                catch (Exception)
                {
                    // The client went away.
                }
            });
        }
    }

    private static async Task Send(HttpListenerResponse res, int status, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        res.StatusCode = status;
        res.ContentType = "text/plain; charset=utf-8";
        res.ContentLength64 = bytes.Length;
        await res.OutputStream.WriteAsync(bytes);
        res.Close();
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var p = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return p;
    }
}
