using System.Text.Encodings.Web;
using System.Text.Json;

namespace Kubiya.WebUI;

/// <summary>The JSON settings of every API answer: camelCase names, as the CLI's <c>-o json</c>.</summary>
internal static class WebUIJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
