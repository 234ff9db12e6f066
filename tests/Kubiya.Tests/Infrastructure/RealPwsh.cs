using System.Diagnostics;

namespace Kubiya.Tests.Infrastructure;

/// <summary>
/// A real pwsh 7 (the PowerShell dotnet tool) to run the built module in, as users do. The tool's
/// shim runs pwsh as a child, so tests start <c>dotnet pwsh.dll</c> directly: the process they
/// signal is pwsh itself. Looked up in KUBIYA_TEST_PWSH_DLL, the repository's .tools folder and the
/// NuGet cache (tool manifest restores); installed into .tools when none is found.
/// </summary>
public static class RealPwsh
{
    public const string Version = "7.6.9";
    private static readonly Lazy<string> Dll = new(Locate);

    /// <summary>Full path of pwsh.dll.</summary>
    public static string PwshDll => Dll.Value;

    /// <summary>A start info for <c>dotnet pwsh.dll ARGS</c> in <paramref name="cwd"/>.</summary>
    public static ProcessStartInfo StartInfo(string cwd, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = cwd, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add(PwshDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    /// <summary>The command line (for a terminal) that starts pwsh with the given arguments.</summary>
    public static string CommandLine(params string[] args) =>
        string.Join(" ", new[] { "dotnet", PwshDll }.Concat(args).Select(ShellQuote));

    public static string ShellQuote(string s) => Terminal.Quote(s);

    private static string Locate()
    {
        var fromEnv = Environment.GetEnvironmentVariable("KUBIYA_TEST_PWSH_DLL");
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(fromEnv)) return fromEnv;
        var tools = Path.Combine(RepoPaths.Root, ".tools");
        var found = Find(Path.Combine(tools, ".store", "powershell", Version)) ?? Find(NuGetCache());
        if (found != null) return found;
        using (var install = Process.Start(new ProcessStartInfo("dotnet", $"tool install --tool-path \"{tools}\" PowerShell --version {Version}") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true })!)
        {
            var text = install.StandardOutput.ReadToEnd() + install.StandardError.ReadToEnd();
            install.WaitForExit();
            found = Find(Path.Combine(tools, ".store", "powershell", Version));
            if (found == null) throw new InvalidOperationException("pwsh is needed for these tests and could not be installed: " + text);
        }
        return found;
    }

    private static string NuGetCache() =>
        Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"), "powershell", Version);

    private static string? Find(string root)
    {
        if (!Directory.Exists(root)) return null;
        var os = OperatingSystem.IsWindows() ? "win" : "unix";
        return Directory.EnumerateFiles(root, "pwsh.dll", SearchOption.AllDirectories)
            .FirstOrDefault(f => Path.GetFileName(Path.GetDirectoryName(f)) == os);
    }
}
