namespace Kubiya.Tests.Infrastructure;

/// <summary>Locates build outputs of the repository from the test assembly's folder.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Kubiya.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Kubiya.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The configuration this test assembly was built in (Debug/Release).</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name ?? "Debug";

    /// <summary>The module folder laid out by the Kubiya.PowerShell build.</summary>
    public static string ModuleDir => Path.Combine(Root, "out", Configuration, "Kubiya");

    /// <summary>A separate process that imports the module and runs a script (for worker crash tests).</summary>
    public static string TestHostDll =>
        Path.Combine(Root, "tests", "Kubiya.TestHost", "bin", Configuration, "net10.0", "Kubiya.TestHost.dll");

    public static string ServerDll =>
        Path.Combine(Root, "src", "Kubiya.Server", "bin", Configuration, "net10.0", "Kubiya.Server.dll");

    /// <summary>A stand-alone activity worker that tests run as a separate process and kill.</summary>
    public static string TestWorkerDll =>
        Path.Combine(Root, "tests", "Kubiya.TestWorker", "bin", Configuration, "net10.0", "Kubiya.TestWorker.dll");
}
