using Microsoft.AspNetCore.Http;

namespace Kubiya.WebUI.Security;

/// <summary>
/// Guards every request: the Host must be this loopback listener (no DNS rebinding), the token must
/// come as <c>?token=</c> (then kept in a strict same-site cookie), the cookie, or
/// <c>Authorization: Bearer</c>; a state-changing request must be a POST that carries the token
/// (bearer, or the cookie plus the page's own request header) and, when a browser sends it,
/// an Origin of this same listener.
/// </summary>
internal sealed class TokenGuard(string token, Func<int> port)
{
    /// <summary>Header the page's own scripts send with every POST.</summary>
    public const string RequestHeader = "X-Kubiya-Request";

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (!IsLocalHost(request.Host))
        {
            await Refuse(context, StatusCodes.Status403Forbidden, "Host not allowed: the web UI answers only on 127.0.0.1 and localhost.");
            return;
        }
        var fromQuery = request.Query["token"].FirstOrDefault();
        var bearer = Bearer(request);
        var cookie = request.Cookies[UiToken.Cookie];
        if (UiToken.Matches(token, fromQuery) && HttpMethods.IsGet(request.Method))
        {
            // Keep it in a cookie and drop it from the address bar (and from history and Referer).
            context.Response.Cookies.Append(UiToken.Cookie, token, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", IsEssential = true });
            context.Response.Redirect(request.Path + RemoveToken(request.QueryString));
            return;
        }
        var authenticated = UiToken.Matches(token, bearer) || UiToken.Matches(token, cookie);
        if (!authenticated)
        {
            await Refuse(context, StatusCodes.Status401Unauthorized, "Unauthorized: open the URL with the token the worker printed (http://127.0.0.1:PORT/?token=...), or send Authorization: Bearer TOKEN.");
            return;
        }
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            if (!HttpMethods.IsPost(request.Method))
            {
                await Refuse(context, StatusCodes.Status405MethodNotAllowed, "Only GET and POST are served.");
                return;
            }
            // The cookie alone would ride along on a forged form post: the page adds a header that
            // no cross-origin page can set without a CORS preflight (which is never granted).
            if (!UiToken.Matches(token, bearer) && !string.Equals(request.Headers[RequestHeader].FirstOrDefault(), "1", StringComparison.Ordinal))
            {
                await Refuse(context, StatusCodes.Status403Forbidden, $"A state-changing request needs Authorization: Bearer TOKEN (scripts) or the page's {RequestHeader} header.");
                return;
            }
            if (!SameOrigin(request))
            {
                await Refuse(context, StatusCodes.Status403Forbidden, "Cross-origin request refused.");
                return;
            }
        }
        context.Response.Headers["X-Content-Type-Options"] = "nosniff";
        context.Response.Headers["X-Frame-Options"] = "DENY";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        context.Response.Headers["Content-Security-Policy"] = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";
        context.Response.Headers["Cache-Control"] = "no-store";
        await next(context);
    }

    private static string? Bearer(HttpRequest request)
    {
        var header = request.Headers.Authorization.FirstOrDefault();
        const string prefix = "Bearer ";
        return header != null && header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? header[prefix.Length..].Trim() : null;
    }

    private bool IsLocalHost(HostString host) =>
        (string.Equals(host.Host, "127.0.0.1", StringComparison.Ordinal) || string.Equals(host.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        && (host.Port ?? 80) == port();

    private bool SameOrigin(HttpRequest request)
    {
        // Scripts (curl, Invoke-RestMethod) send no Origin; browsers always do on a POST.
        var origin = request.Headers.Origin.FirstOrDefault();
        if (origin == null)
            return !string.Equals(request.Headers["Sec-Fetch-Site"].FirstOrDefault(), "cross-site", StringComparison.OrdinalIgnoreCase);
        return Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme == "http"
            && (uri.Host == "127.0.0.1" || string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)) && uri.Port == port();
    }

    private static string RemoveToken(QueryString query)
    {
        var rest = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query.Value).Where(kv => kv.Key != "token");
        var qs = QueryString.Create(rest.SelectMany(kv => kv.Value.Select(v => new KeyValuePair<string, string?>(kv.Key, v))));
        return qs.Value ?? "";
    }

    private static Task Refuse(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { error = message, errorId = status == 401 ? "Unauthorized" : "Forbidden" });
    }
}
