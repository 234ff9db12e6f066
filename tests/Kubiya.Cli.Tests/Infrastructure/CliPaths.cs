namespace Kubiya.Cli.Tests.Infrastructure;

/// <summary>Where the built kubiya executable lives.</summary>
public static class CliPaths
{
    /// <summary>The CLI's main assembly, with the embedded server in Server/ beside it.</summary>
    public static string Dll => Path.Combine(RepoPaths.Root, "src", "Kubiya.Cli", "bin", RepoPaths.Configuration, "net10.0", "kubiya.dll");
}
