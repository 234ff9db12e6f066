using System.Diagnostics;
using System.Text.Json;
using Kubiya.Core.Agents.Llm.Tools;

namespace Kubiya.Core.Tests.Agents.Tools;

/// <summary>A temporary working directory with a runner, and a folder beside it that tools must not reach.</summary>
public sealed class ToolWorkspace : IDisposable
{
    private readonly string top = Directory.CreateTempSubdirectory("kubiya-tools-").FullName;

    public ToolWorkspace()
    {
        Root = Path.Combine(top, "work");
        Outside = Path.Combine(top, "outside");
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Outside);
        File.WriteAllText(Path.Combine(Outside, "secret.txt"), "outside secret\n");
    }

    /// <summary>The working directory.</summary>
    public string Root { get; }

    /// <summary>A sibling folder with <c>secret.txt</c>.</summary>
    public string Outside { get; }

    public ToolRunner Runner { get; } = new ToolRunner();

    public ToolPolicy Policy { get; } = new ToolPolicy();

    public Dictionary<string, string> Env { get; } = new Dictionary<string, string>();

    public List<(string Line, bool IsError)> Lines { get; } = new();

    public string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public void Write(string relative, string content)
    {
        var full = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    public ToolRequest Request(string tool, object args, double timeoutSeconds = 60) => new ToolRequest
    {
        ExecutionId = "exec-1",
        CallId = "call-1",
        Tool = tool,
        ArgumentsJson = JsonSerializer.Serialize(args),
        WorkingDirectory = Root,
        Env = Env,
        Policy = Policy,
        TimeoutSeconds = timeoutSeconds,
    };

    public Task<ToolResult> RunAsync(string tool, object args, double timeoutSeconds = 60, CancellationToken ct = default) =>
        Runner.RunAsync(Request(tool, args, timeoutSeconds), (line, isError) => { lock (Lines) Lines.Add((line, isError)); }, ct);

    public ToolResult Run(string tool, object args, double timeoutSeconds = 60) => RunAsync(tool, args, timeoutSeconds).GetAwaiter().GetResult();

    public void Dispose()
    {
        Runner.Dispose();
        try { Directory.Delete(top, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>True while a process with this id runs (a zombie counts as gone).</summary>
    public static bool IsAlive(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            var stat = $"/proc/{pid}/stat";
            if (!File.Exists(stat)) return false;
            try
            {
                var text = File.ReadAllText(stat);
                var state = text[(text.LastIndexOf(')') + 2)..].Split(' ')[0];
                return state != "Z" && state != "X";
            }
            catch (IOException) { return false; }
        }
        try { return !Process.GetProcessById(pid).HasExited; }
        catch (ArgumentException) { return false; }
    }

    public static async Task<bool> WaitGoneAsync(int pid, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (!IsAlive(pid)) return true;
            await Task.Delay(50);
        }
        return !IsAlive(pid);
    }
}
