using Kubiya.Core.Messages;
using System.Text.Encodings.Web;
using System.Text.Json;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Kubiya.Cli.Output;

/// <summary>
/// Writes results: as text for people, or as one JSON / YAML document on stdout for scripts.
/// Live progress (streamed logs) goes to stdout in text mode and to stderr otherwise, so
/// stdout stays parseable; errors and warnings always go to stderr.
/// </summary>
public sealed class Renderer
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonSerializerOptions Compact = new(Indented) { WriteIndented = false };

    private static readonly ISerializer Yaml = new SerializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .Build();

    /// <summary>Creates a renderer writing to <paramref name="output"/> and <paramref name="error"/>.</summary>
    public Renderer(OutputFormat format, TextWriter output, TextWriter error)
    {
        Format = format;
        Out = output;
        Err = error;
    }

    /// <summary>The chosen format.</summary>
    public OutputFormat Format { get; }

    /// <summary>Standard output.</summary>
    public TextWriter Out { get; }

    /// <summary>Standard error.</summary>
    public TextWriter Err { get; }

    /// <summary>True for json and yaml.</summary>
    public bool IsStructured => Format != OutputFormat.Text;

    /// <summary>Where live progress goes.</summary>
    public TextWriter Live => IsStructured ? Err : Out;

    /// <summary>Writes <paramref name="value"/> as a document, or calls <paramref name="text"/> in text mode.</summary>
    public void Result<T>(T value, Action<TextWriter> text)
    {
        switch (Format)
        {
            case OutputFormat.Json:
                Out.WriteLine(JsonSerializer.Serialize(value, Indented));
                break;
            case OutputFormat.Yaml:
                Out.Write(Yaml.Serialize(value!));
                break;
            default:
                text(Out);
                break;
        }
        Out.Flush();
    }

    /// <summary>One record of a stream (logs): a compact JSON line (NDJSON), a YAML document, or text.</summary>
    public void Record<T>(T value, string text)
    {
        switch (Format)
        {
            case OutputFormat.Json:
                Out.WriteLine(JsonSerializer.Serialize(value, Compact));
                break;
            case OutputFormat.Yaml:
                Out.WriteLine("---");
                Out.Write(Yaml.Serialize(value!));
                break;
            default:
                Out.WriteLine(text);
                break;
        }
        Out.Flush();
    }

    /// <summary>A message for people: stdout in text mode, stderr otherwise.</summary>
    public void Note(string message)
    {
        Live.WriteLine(message);
        Live.Flush();
    }

    /// <summary>An error line on stderr: <c>kubiya: error: MESSAGE [Id]</c>.</summary>
    public void Error(string message, string? errorId = null)
    {
        message = FrontText.Render(message, KubiyaFront.Cli);
        Err.WriteLine(errorId == null ? $"kubiya: error: {message}" : $"kubiya: error: {message} [{errorId}]");
        Err.Flush();
    }

    /// <summary>A warning line on stderr.</summary>
    public void Warning(string message)
    {
        Err.WriteLine($"kubiya: warning: {FrontText.Render(message, KubiyaFront.Cli)}");
        Err.Flush();
    }
}
