using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace Kubiya.WebUI.Assets;

/// <summary>Serves the pages, scripts and styles embedded in this assembly (wwwroot/).</summary>
internal static class EmbeddedAssets
{
    private static readonly Assembly Self = typeof(EmbeddedAssets).Assembly;
    private static readonly HashSet<string> Names = new(Self.GetManifestResourceNames(), StringComparer.Ordinal);

    private static readonly Dictionary<string, string> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".ico"] = "image/x-icon",
    };

    /// <summary>True when <paramref name="path"/> (e.g. /app.js) names an embedded asset.</summary>
    public static bool Exists(string path) => Names.Contains(Name(path));

    /// <summary>Writes the asset at <paramref name="path"/>.</summary>
    public static async Task WriteAsync(HttpContext context, string path)
    {
        var name = Name(path);
        await using var stream = Self.GetManifestResourceStream(name) ?? throw new FileNotFoundException(name);
        context.Response.ContentType = Types.TryGetValue(Path.GetExtension(name), out var type) ? type : "application/octet-stream";
        await stream.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private static string Name(string path) => "wwwroot/" + path.TrimStart('/');
}
