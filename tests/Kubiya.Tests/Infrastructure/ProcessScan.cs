namespace Kubiya.Tests.Infrastructure;

/// <summary>Finds live processes by a token in their command line (Linux /proc), to prove none is left behind.</summary>
public static class ProcessScan
{
    /// <summary>
    /// Pids of live (non-zombie) processes whose command line contains <paramref name="token"/>
    /// (and not <paramref name="except"/>, e.g. the terminal that typed it).
    /// </summary>
    public static IReadOnlyList<int> WithToken(string token, string? except = null)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(token) && (except == null || !cmdline.Contains(except)) && IsAlive(pid)) found.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }

    /// <summary>True while the process exists and is no zombie.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[stat.LastIndexOf(')') + 2];
            return state != 'Z' && state != 'X';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> until no process carries <paramref name="token"/>; returns those left.</summary>
    public static async Task<IReadOnlyList<int>> WaitGoneAsync(string token, TimeSpan timeout, string? except = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = WithToken(token, except);
            if (left.Count == 0 || DateTime.UtcNow > deadline) return left;
            await Task.Delay(100);
        }
    }

    /// <summary>The command line of <paramref name="pid"/>, for failure messages.</summary>
    public static string Describe(IEnumerable<int> pids) =>
        string.Join("\n", pids.Select(p => { try { return $"{p}: {File.ReadAllText($"/proc/{p}/cmdline").Replace('\0', ' ')}"; } catch (IOException) { return $"{p}: gone"; } }));
}
