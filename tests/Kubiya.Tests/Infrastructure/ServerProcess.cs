using System.Diagnostics;
using System.Text.RegularExpressions;
using Temporalio.Client;

namespace Kubiya.Tests.Infrastructure;

/// <summary>
/// A real Kubiya.Server process on a free loopback port, with its own database file.
/// Can be killed hard (kill -9) and restarted on the same database.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private Process? process;
    private readonly List<string> output = new();

    public ServerProcess(string? dbPath = null, params string[] extraArgs)
    {
        DbPath = dbPath ?? Path.Combine(Path.GetTempPath(), "kubiya-test-" + Guid.NewGuid().ToString("N"), "server.db");
        ExtraArgs = extraArgs;
    }

    public string DbPath { get; }
    public string[] ExtraArgs { get; }
    public int Port { get; private set; }
    public string Address => $"127.0.0.1:{Port}";
    public IReadOnlyList<string> Output { get { lock (output) return output.ToList(); } }
    public bool HasExited => process?.HasExited ?? true;

    /// <summary>The caller token the server created beside its database (null with --no-auth or --api-key).</summary>
    public string? Token { get; private set; }

    /// <summary>The token file the server reads and creates.</summary>
    public string TokenFile => Path.Combine(Path.GetDirectoryName(DbPath)!, "server.token");

    /// <summary>Client options that authenticate with this server's token, the way Kubiya's own clients do.</summary>
    public TemporalClientConnectOptions ConnectOptions(string @namespace = "default")
    {
        // Retries as long as Kubiya's own clients do, so a restart on a busy machine is ridden out.
        var o = new TemporalClientConnectOptions(Address)
        {
            Namespace = @namespace,
            RpcRetry = new RpcRetryOptions { MaxElapsedTime = TimeSpan.FromSeconds(90), MaxRetries = 1000, MaxInterval = TimeSpan.FromSeconds(2) },
        };
        if (Token != null)
        {
            o.ApiKey = Token;
            o.Tls = new TlsOptions { Disabled = true };
        }
        return o;
    }

    /// <summary>A client of this server, authenticated with its token.</summary>
    public Task<TemporalClient> ConnectAsync(string @namespace = "default") => TemporalClient.ConnectAsync(ConnectOptions(@namespace));

    /// <summary>Starts the server (on the previous port when restarting) and waits for its ready line.</summary>
    public async Task StartAsync(int? port = null)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(RepoPaths.ServerDll);
        psi.ArgumentList.Add("--port");
        psi.ArgumentList.Add((port ?? 0).ToString());
        psi.ArgumentList.Add("--db");
        psi.ArgumentList.Add(DbPath);
        foreach (var a in ExtraArgs) psi.ArgumentList.Add(a);
        var ready = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var p = new Process { StartInfo = psi, EnableRaisingEvents = true };
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data == null) return;
            lock (output) output.Add(e.Data);
            var m = Regex.Match(e.Data, @"ready on [^:]+:(\d+)");
            if (m.Success) ready.TrySetResult(int.Parse(m.Groups[1].Value));
        };
        p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (output) output.Add("ERR " + e.Data); };
        p.Exited += (_, _) =>
        {
            // Exited can run before the redirected streams are drained; the parameterless wait drains them.
            p.WaitForExit();
            ready.TrySetException(new InvalidOperationException("Server exited early:\n" + string.Join("\n", Output)));
        };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        process = p;
        Port = await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var authenticated = !ExtraArgs.Contains("--no-auth") && !ExtraArgs.Contains("--api-key");
        Token = authenticated && File.Exists(TokenFile) ? File.ReadAllText(TokenFile).Trim() : null;
    }

    /// <summary>kill -9: no chance to flush or clean up.</summary>
    public void Kill()
    {
        if (process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit(10_000);
        }
    }

    /// <summary>SIGTERM and wait for a clean exit; returns the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        if (process is not { HasExited: false } p) return process?.ExitCode ?? 0;
        using (var kill = Process.Start("kill", ["-TERM", p.Id.ToString()])) await kill!.WaitForExitAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        await p.WaitForExitAsync(cts.Token);
        return p.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try { Kill(); } catch { }
        process?.Dispose();
        await Task.CompletedTask;
    }
}
