using Kubiya.Tests.Infrastructure;
using Temporalio.Client;

namespace Kubiya.Tests.PowerShell;

/// <summary>
/// One real Kubiya.Server and one temporary Kubiya home for the PowerShell tests. The module
/// reads its address and home from environment variables, which are process-wide, so every
/// PowerShell test shares this fixture and runs in one collection (sequentially).
/// </summary>
public sealed class ModuleFixture : IAsyncLifetime
{
    public ServerProcess Server { get; } = new();
    public TemporalClient Client { get; private set; } = null!;
    public string Home { get; } = Path.Combine(Path.GetTempPath(), "kubiya-home-" + Guid.NewGuid().ToString("N"));
    public string Address => Server.Address;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(RepoPaths.ModuleDir, "Kubiya.dll")))
            throw new InvalidOperationException($"The module folder {RepoPaths.ModuleDir} was not built; run dotnet build Kubiya.sln.");
        await Server.StartAsync();
        Directory.CreateDirectory(Home);
        Environment.SetEnvironmentVariable("KUBIYA_HOME", Home);
        Environment.SetEnvironmentVariable("KUBIYA_TEMPORAL_ADDRESS", Address);
        Environment.SetEnvironmentVariable("KUBIYA_TEMPORAL_NAMESPACE", null);
        // A configured address authenticates with KUBIYA_API_KEY: the test server's token.
        Environment.SetEnvironmentVariable("KUBIYA_API_KEY", Server.Token);
        // Short heartbeats so a killed worker's step moves to another worker within seconds.
        Environment.SetEnvironmentVariable("STEP_HEARTBEAT_INTERVAL", "1");
        Environment.SetEnvironmentVariable("QUEUE_ID", null);
        Client = await Server.ConnectAsync();
    }

    /// <summary>A new runspace with the built module imported, located in a fresh temp folder.</summary>
    public PsSession NewSession() => new(RepoPaths.ModuleDir);

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        try { Directory.Delete(Home, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class ModuleCollection : ICollectionFixture<ModuleFixture>
{
    public const string Name = "PowerShell";
}
