using System.Diagnostics;

namespace Kubiya.Cli.Tests.Infrastructure;

/// <summary>A running kubiya process: its output as it comes, signals, and its end.</summary>
public sealed class CliProcess : IDisposable
{
    private readonly Process process;
    private readonly List<(bool Err, string Line)> lines = new();
    private readonly List<(Func<string, bool> Match, bool Err, TaskCompletionSource<string> Seen)> waiters = new();

    internal CliProcess(ProcessStartInfo psi, string? stdin)
    {
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = true;
        psi.UseShellExecute = false;
        process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { if (e.Data != null) OnLine(false, e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) OnLine(true, e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (stdin != null) process.StandardInput.Write(stdin);
        process.StandardInput.Close();
    }

    public int Id => process.Id;
    public bool HasExited => process.HasExited;

    public string Stdout { get { lock (lines) return string.Join("\n", lines.Where(l => !l.Err).Select(l => l.Line)); } }
    public string Stderr { get { lock (lines) return string.Join("\n", lines.Where(l => l.Err).Select(l => l.Line)); } }

    private void OnLine(bool err, string line)
    {
        lock (lines)
        {
            lines.Add((err, line));
            foreach (var w in waiters.Where(w => w.Err == err && w.Match(line))) w.Seen.TrySetResult(line);
        }
    }

    /// <summary>Waits for a stdout (or stderr) line; fails with everything printed so far.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null, bool stderr = false)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (lines)
        {
            var already = lines.Where(l => l.Err == stderr).Select(l => l.Line).FirstOrDefault(match);
            if (already != null) return already;
            waiters.Add((match, stderr, seen));
        }
        try { return await seen.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(60)); }
        catch (TimeoutException) { throw new TimeoutException($"line not seen; output so far:\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}"); }
    }

    /// <summary>Sends a signal (TERM, INT, KILL).</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", new[] { "-" + name, process.Id.ToString() })!;
        kill.WaitForExit();
    }

    /// <summary>Waits for the exit; kills the process and fails on timeout.</summary>
    public async Task<CliResult> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(120));
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            Dispose();
            throw new TimeoutException($"kubiya {process.StartInfo.Arguments} did not exit in time:\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}");
        }
        return new CliResult(process.ExitCode, Stdout, Stderr);
    }

    public void Dispose()
    {
        try { if (!process.HasExited) process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        process.Dispose();
    }
}
