using System.Diagnostics;
using System.Text.Json;

namespace Kubiya.Cli.Tests.Observability;

/// <summary>
/// Parses Prometheus exposition text with the reference parser (Debian's python3-prometheus-client,
/// which .ci/run installs). A missing parser fails the test: it is never skipped.
/// </summary>
public static class PrometheusText
{
    private const string Script = """
        import json, sys
        from prometheus_client.parser import text_string_to_metric_families
        out = []
        for f in text_string_to_metric_families(sys.stdin.read()):
            out.append({"name": f.name, "type": f.type, "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in f.samples]})
        print(json.dumps(out))
        """;

    /// <summary>One sample.</summary>
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    /// <summary>One metric family.</summary>
    public sealed record Family(string Name, string Type, IReadOnlyList<Sample> Samples);

    /// <summary>The families of <paramref name="text"/>; fails when the parser rejects it or is missing.</summary>
    public static async Task<IReadOnlyList<Family>> ParseAsync(string text)
    {
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var psi = new ProcessStartInfo(python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Script.Replace("\r\n", "\n"));
        using var p = Process.Start(psi)!;
        await p.StandardInput.WriteAsync(text);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"the Prometheus parser failed (is python3-prometheus-client installed?):\n{await stderr}");
        using var doc = JsonDocument.Parse(await stdout);
        return doc.RootElement.EnumerateArray().Select(f => new Family(
            f.GetProperty("name").GetString()!, f.GetProperty("type").GetString()!,
            f.GetProperty("samples").EnumerateArray().Select(s => new Sample(
                s.GetProperty("name").GetString()!,
                s.GetProperty("labels").EnumerateObject().ToDictionary(l => l.Name, l => l.Value.GetString()!),
                s.GetProperty("value").ValueKind == JsonValueKind.Number ? s.GetProperty("value").GetDouble() : double.NaN)).ToList())).ToList();
    }
}
