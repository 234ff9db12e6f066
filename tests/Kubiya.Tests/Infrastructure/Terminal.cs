using System.Diagnostics;

namespace Kubiya.Tests.Infrastructure;

/// <summary>
/// A real terminal (a tmux session on its own socket) running one command, so a test can press
/// keys as a user does: Ctrl+C reaches the terminal's foreground process group, not one chosen pid.
/// </summary>
public sealed class Terminal : IDisposable
{
    private readonly string socket = "kubiya-test-" + Guid.NewGuid().ToString("N")[..10];

    private Terminal() { }

    /// <summary>Starts <paramref name="commandLine"/> (a shell command line) in a new 200x50 terminal.</summary>
    public static Terminal Start(string commandLine, string cwd, IDictionary<string, string?> env)
    {
        if (Tool("tmux") == null) throw new InvalidOperationException("tmux is required for the terminal tests (apt-get install tmux).");
        var t = new Terminal();
        var assignments = string.Join(" ", env.OrderBy(kv => kv.Value != null).Select(kv => kv.Value == null ? $"-u {kv.Key}" : $"{kv.Key}={Quote(kv.Value)}"));
        t.Tmux("new-session", "-d", "-x", "200", "-y", "50", "-c", cwd, $"env {assignments} {commandLine}");
        return t;
    }

    /// <summary>Types <paramref name="text"/> and Enter.</summary>
    public void TypeLine(string text)
    {
        Tmux("send-keys", "-t", "0", "-l", text);
        Tmux("send-keys", "-t", "0", "Enter");
    }

    /// <summary>Presses Ctrl+C.</summary>
    public void CtrlC() => Tmux("send-keys", "-t", "0", "C-c");

    /// <summary>What the terminal shows now (with its scrollback).</summary>
    public string Screen() => Tmux("capture-pane", "-p", "-S", "-200", "-t", "0");

    /// <summary>The screen with the escape sequences the programs wrote (colours, attributes) kept.</summary>
    public string ScreenWithEscapes() => Tmux("capture-pane", "-p", "-e", "-S", "-200", "-t", "0");

    /// <summary>
    /// The rows printed between a row reading exactly <paramref name="begin"/> and one reading
    /// exactly <paramref name="end"/> (escapes kept), so the typed command line itself is left out.
    /// </summary>
    public IReadOnlyList<string> RowsBetween(string begin, string end)
    {
        var rows = ScreenWithEscapes().Split('\n');
        var plain = rows.Select(r => System.Text.RegularExpressions.Regex.Replace(r, "\u001b\\[[0-9;?]*[A-Za-z]", "").Trim()).ToList();
        var first = plain.LastIndexOf(begin);
        var last = plain.LastIndexOf(end);
        if (first < 0 || last <= first) throw new InvalidOperationException($"No rows between '{begin}' and '{end}'; the terminal shows:\n{Screen()}");
        return rows.Skip(first + 1).Take(last - first - 1).ToList();
    }

    /// <summary>Waits until the screen shows <paramref name="text"/>.</summary>
    public async Task WaitForAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Screen().Contains(text))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"'{text}' did not appear; the terminal shows:\n{Screen()}");
            await Task.Delay(200);
        }
    }

    private string Tmux(params string[] args)
    {
        var psi = new ProcessStartInfo("tmux") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-L");
        psi.ArgumentList.Add(socket);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return output;
    }

    /// <summary>One shell word.</summary>
    public static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";

    private static string? Tool(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    public void Dispose() => Tmux("kill-server");
}
