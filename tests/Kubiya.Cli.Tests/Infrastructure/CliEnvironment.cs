using System.Collections;
using System.Diagnostics;

namespace Kubiya.Cli.Tests.Infrastructure;

/// <summary>
/// Runs the built kubiya CLI as a process in an isolated environment: its own KUBIYA_HOME and
/// (unless removed) a test server's address, never the user's ~/.kubiya or port 7233.
/// </summary>
public sealed class CliEnvironment
{
    // Settings the CLI reads from the environment: a developer's own values must not leak in.
    private static readonly string[] Scrubbed = { "QUEUE_ID", "HEARTBEAT_INTERVAL", "LOG_LEVEL", "MAX_CONCURRENT_ACTIVITIES", "MAX_CONCURRENT_WORKFLOWS", "ACTIVITY_TIMEOUT", "WORKER_HOSTNAME", "ENVIRONMENT_NAME" };
    private readonly Dictionary<string, string?> variables;

    public CliEnvironment(string home, string? address)
    {
        Home = home;
        Directory.CreateDirectory(home);
        variables = new Dictionary<string, string?>
        {
            ["KUBIYA_HOME"] = home,
            ["KUBIYA_TEMPORAL_ADDRESS"] = address,
            // Short heartbeats so a killed worker's step is noticed within seconds.
            ["HEARTBEAT_INTERVAL"] = "1",
        };
    }

    private CliEnvironment(string home, Dictionary<string, string?> variables)
    {
        Home = home;
        this.variables = variables;
    }

    /// <summary>The KUBIYA_HOME of this environment.</summary>
    public string Home { get; }

    /// <summary>A copy with one more variable (null removes it).</summary>
    public CliEnvironment With(string name, string? value) => new(Home, new Dictionary<string, string?>(variables) { [name] = value });

    /// <summary>Runs kubiya with <paramref name="args"/> to its end (stdin closed).</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunAsync(args, null);

    /// <summary>Runs kubiya to its end, feeding <paramref name="stdin"/>.</summary>
    public async Task<CliResult> RunAsync(string[] args, string? stdin, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        using var p = Start(args, stdin, workingDirectory);
        return await p.WaitForExitAsync(timeout);
    }

    /// <summary>Starts kubiya and returns at once.</summary>
    public CliProcess Start(string[] args, string? stdin = null, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory ?? Home };
        psi.ArgumentList.Add(CliPaths.Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            var name = (string)e.Key;
            if (name.StartsWith("KUBIYA_", StringComparison.Ordinal) || Scrubbed.Contains(name)) psi.Environment.Remove(name);
        }
        foreach (var (k, v) in variables)
        {
            if (v == null) psi.Environment.Remove(k);
            else psi.Environment[k] = v;
        }
        return new CliProcess(psi, stdin);
    }
}
