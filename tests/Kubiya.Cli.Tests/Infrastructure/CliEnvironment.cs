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
    private static readonly string[] Scrubbed = { "COLUMNS", "QUEUE_ID", "HEARTBEAT_INTERVAL", "STEP_HEARTBEAT_INTERVAL", "METRICS_ENABLED", "METRICS_PORT", "METRICS_BIND", "PROBE_FILES", "WORKER_ALIVE_FILE", "WORKER_READY_FILE", "LOG_LEVEL", "MAX_CONCURRENT_ACTIVITIES", "MAX_CONCURRENT_WORKFLOWS", "ACTIVITY_TIMEOUT", "WORKER_HOSTNAME", "ENVIRONMENT_NAME" };
    private readonly Dictionary<string, string?> variables;

    public CliEnvironment(string home, string? address, string? apiKey = null)
    {
        Home = home;
        Directory.CreateDirectory(home);
        variables = new Dictionary<string, string?>
        {
            ["KUBIYA_HOME"] = home,
            ["KUBIYA_TEMPORAL_ADDRESS"] = address,
            // A configured address authenticates with KUBIYA_API_KEY (the test server's token).
            ["KUBIYA_API_KEY"] = apiKey,
            // Short heartbeats so a killed worker's step is noticed within seconds.
            ["STEP_HEARTBEAT_INTERVAL"] = "1",
            // Workers serve no web UI unless a test asks for one (with a free port): parallel
            // tests would otherwise all start one from 8088 up.
            ["KUBIYA_NO_WEBUI"] = "1",
        };
    }

    private CliEnvironment(string home, Dictionary<string, string?> variables, int? uid = null)
    {
        Home = home;
        this.variables = variables;
        this.uid = uid;
    }

    private readonly int? uid;

    /// <summary>A copy that runs kubiya as another account (setpriv; needs root).</summary>
    public CliEnvironment AsUser(int otherUid) => new(Home, new Dictionary<string, string?>(variables), otherUid);
    /// <summary>The variables set (or, when null, removed) for kubiya.</summary>
    public IReadOnlyDictionary<string, string?> Variables => variables;

    /// <summary>The KUBIYA_HOME of this environment.</summary>
    public string Home { get; }

    /// <summary>A copy with one more variable (null removes it).</summary>
    public CliEnvironment With(string name, string? value) => new(Home, new Dictionary<string, string?>(variables) { [name] = value }, uid);

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
        var psi = new ProcessStartInfo(uid == null ? "dotnet" : "setpriv") { WorkingDirectory = workingDirectory ?? Home };
        if (uid != null)
            foreach (var a in new[] { $"--reuid={uid}", $"--regid={uid}", "--clear-groups", "dotnet" }) psi.ArgumentList.Add(a);
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
        if (uid != null)
        {
            // The other account's own, writable home for dotnet's first-run files.
            psi.Environment["HOME"] = Home;
            psi.Environment["DOTNET_CLI_HOME"] = Home;
        }
        return new CliProcess(psi, stdin);
    }
}
