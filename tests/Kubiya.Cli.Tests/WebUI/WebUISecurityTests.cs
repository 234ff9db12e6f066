using System.Net;
using System.Net.Http.Headers;

namespace Kubiya.Cli.Tests.WebUI;

/// <summary>The token guards every request; state changes need a POST with the token from this same origin.</summary>
[Collection(WebUICollection.Name)]
[Trait("Category", "WebUI")]
public sealed class WebUISecurityTests(WebUIFixture fx)
{
    [Theory]
    [InlineData("/")]
    [InlineData("/app.js")]
    [InlineData("/api/overview")]
    [InlineData("/api/v1/executions")]
    [InlineData("/api/events")]
    public async Task RequestWithoutTheTokenIsRefused(string path)
    {
        using var http = fx.Http(token: false);
        using var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("Unauthorized", body);
        Assert.DoesNotContain(fx.Token, body);
    }

    [Fact]
    public async Task WrongTokenIsRefused()
    {
        using var http = fx.Http(token: false);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", new string('0', fx.Token.Length));
        using var response = await http.GetAsync("/api/overview");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task TokenInTheAddressBecomesAStrictCookieAndLeavesTheAddress()
    {
        using var http = fx.Http(token: false);
        using var response = await http.GetAsync("/?token=" + fx.Token);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.DoesNotContain("token", response.Headers.Location!.ToString());
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.Contains("kubiya_ui_token=" + fx.Token, cookie);
        Assert.Contains("httponly", cookie.ToLowerInvariant());
        Assert.Contains("samesite=strict", cookie.ToLowerInvariant());
        // The cookie alone then opens pages.
        using var page = new HttpRequestMessage(HttpMethod.Get, "/api/session");
        page.Headers.Add("Cookie", "kubiya_ui_token=" + fx.Token);
        using var ok = await http.SendAsync(page);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task CrossOriginPostIsRefused()
    {
        var id = await fx.SubmitAsync("sleeper");
        try
        {
            using var http = fx.Http();
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/executions/{id}/cancel");
            request.Headers.Add("Origin", "http://evil.example");
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("Cross-origin", await response.Content.ReadAsStringAsync());
            Assert.NotEqual("Cancelled", (await fx.Env.RunAsync("execution", "get", id, "-o", "json")).Exit(0).Json.GetProperty("status").GetString());
        }
        finally { await fx.Env.RunAsync("execution", "cancel", id); }
    }

    [Fact]
    public async Task FormPostWithOnlyTheCookieIsRefused()
    {
        // What a forged form on another site could send: the cookie, no header a page must add.
        using var http = fx.Http(token: false);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/executions/exec-0000000000000000/cancel");
        request.Headers.Add("Cookie", "kubiya_ui_token=" + fx.Token);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task StateChangesNeedPost()
    {
        using var http = fx.Http();
        using var response = await http.GetAsync("/api/v1/executions/exec-0000000000000000/cancel");
        Assert.False(response.IsSuccessStatusCode, $"GET on cancel answered {(int)response.StatusCode}");
        using var put = await http.PutAsync("/api/v1/executions/exec-0000000000000000/cancel", null);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
    }

    [Fact]
    public async Task ForeignHostHeaderIsRefused()
    {
        // A DNS-rebinding page reaches 127.0.0.1 under its own host name.
        using var http = fx.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/overview");
        request.Headers.Host = "attacker.example:" + fx.Port;
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task ListensOnLoopbackOnly()
    {
        var addresses = System.Net.NetworkInformation.IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpListeners().Where(e => e.Port == fx.Port).ToList();
        Assert.NotEmpty(addresses);
        Assert.All(addresses, a => Assert.True(IPAddress.IsLoopback(a.Address), $"{a} is not loopback"));
        await Task.CompletedTask;
    }
}
