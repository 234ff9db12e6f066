using Kubiya.Core.Workers;
using Kubiya.Core.Processes;

namespace Kubiya.Cli.Tests.Infrastructure;

/// <summary>
/// A server and home for daemon tests. Daemons run detached (their own session), so whatever a
/// failed test leaves running is killed here by the pids in its files.
/// </summary>
public sealed class DaemonFixture : CliFixture
{
    public override async Task DisposeAsync()
    {
        var workers = Path.Combine(Home, "workers");
        if (Directory.Exists(workers))
        {
            foreach (var dir in Directory.GetDirectories(workers))
            {
                var info = DaemonInfo.TryRead(Path.Combine(dir, "daemon_info.txt"));
                foreach (var pid in new[] { info?.Pid ?? 0, info?.WorkerPid ?? 0 }.Where(p => p > 0))
                    if (IsKubiya(pid)) ProcessSignals.Kill(pid);
            }
        }
        await base.DisposeAsync();
    }

    /// <summary>True when <paramref name="pid"/> is a live kubiya process (pids get reused).</summary>
    public static bool IsKubiya(int pid)
    {
        try { return ProcessProbe.StartTimeUtc(pid) != null && File.ReadAllText($"/proc/{pid}/cmdline").Contains("kubiya"); }
        catch (IOException) { return false; }
    }

    /// <summary>The files of a queue's worker in this home.</summary>
    public WorkerPaths Paths(string queue) => new(queue, Home);

    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="what"/> after the timeout.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Timed out waiting for: " + what);
            await Task.Delay(100);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DaemonCollection : ICollectionFixture<DaemonFixture>
{
    public const string Name = "Daemon";
}
