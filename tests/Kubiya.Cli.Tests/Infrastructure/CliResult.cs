using System.Text.Json;

namespace Kubiya.Cli.Tests.Infrastructure;

/// <summary>What a finished kubiya process left: exit code, stdout and stderr.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Stdout parsed as one JSON document.</summary>
    public JsonElement Json
    {
        get
        {
            try { return JsonDocument.Parse(Stdout).RootElement; }
            catch (JsonException ex) { throw new InvalidOperationException($"stdout is not one JSON document ({ex.Message}):\n{this}"); }
        }
    }

    /// <summary>Asserts the exit code, showing both streams when it differs.</summary>
    public CliResult Exit(int expected)
    {
        Assert.True(ExitCode == expected, $"expected exit code {expected}, got {ExitCode}\n{this}");
        return this;
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}
