using System.Diagnostics;
using Kubiya.Core.Workers;

namespace Kubiya.Core.Tests.Daemon;

/// <summary>
/// The generated systemd unit as systemd itself reads it: <c>systemd-analyze verify</c> must accept
/// it, with a working directory that has a space and a percent sign. Reported as skipped where the
/// host has no systemd-analyze.
/// </summary>
[Trait("Category", "Daemon")]
public sealed class SystemdVerifyTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("kubiya-unit-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(dir, true); } catch (IOException) { }
    }

    [Fact]
    public void TheWorkingDirectoryIsAPlainPath()
    {
        var unit = WorkerServiceDefinitions.SystemdUnit("build", new CommandLine("/usr/bin/dotnet", new[] { "k.dll" }),
            Array.Empty<KeyValuePair<string, string>>(), "/srv/my work/100%", TimeSpan.FromSeconds(5), systemWide: false);
        Assert.Contains("WorkingDirectory=/srv/my work/100%%\n", unit);
    }

    [SystemdAnalyzeFact]
    public void SystemdAnalyzeVerifyAcceptsTheUnit()
    {
        var work = Path.Combine(dir, "my work 100%");
        Directory.CreateDirectory(work);
        var dotnet = Which("dotnet") ?? "/usr/bin/dotnet";
        var unit = WorkerServiceDefinitions.SystemdUnit("build", new CommandLine(dotnet, new[] { Path.Combine(dir, "kubiya.dll"), "worker", "start", "--queue-id", "build" }),
            new[] { new KeyValuePair<string, string>("KUBIYA_HOME", Path.Combine(dir, "home dir")) }, work, TimeSpan.FromSeconds(60), systemWide: true);
        var path = Path.Combine(dir, WorkerServiceDefinitions.Name("build") + ".service");
        File.WriteAllText(path, unit);

        var psi = new ProcessStartInfo("systemd-analyze") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "verify", "--man=no", path }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();

        // Only what concerns this unit counts (a container's own units may have complaints of their own).
        var ours = output.Split('\n').Where(l => l.Contains(Path.GetFileName(path))).ToList();
        Assert.True(ours.Count == 0, "systemd-analyze verify rejected the unit:\n" + output + "\n" + unit);
        Assert.DoesNotContain("not absolute", output);
    }

    internal static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}

/// <summary>A fact that needs systemd-analyze; skipped (not passed) where it is missing.</summary>
public sealed class SystemdAnalyzeFactAttribute : FactAttribute
{
    public SystemdAnalyzeFactAttribute()
    {
        if (SystemdVerifyTests.Which("systemd-analyze") == null) Skip = "systemd-analyze is not installed on this host.";
    }
}
