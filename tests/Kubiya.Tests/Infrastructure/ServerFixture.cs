using Temporalio.Client;

namespace Kubiya.Tests.Infrastructure;

/// <summary>
/// One server for a test collection: a fresh Kubiya.Server process, or, when
/// KUBIYA_TEST_TEMPORAL_ADDRESS is set, any real Temporal frontend (so the same tests check
/// that our semantics match Temporal's).
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public ServerProcess? Server { get; private set; }
    public TemporalClient Client { get; private set; } = null!;
    public string Address { get; private set; } = "";
    public string Namespace { get; } = Environment.GetEnvironmentVariable("KUBIYA_TEST_TEMPORAL_NAMESPACE") ?? "default";
    /// <summary>True when running against our own server (tests of server-only details check this).</summary>
    public bool IsEmbedded => Server != null;

    public async Task InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable("KUBIYA_TEST_TEMPORAL_ADDRESS");
        if (string.IsNullOrEmpty(external))
        {
            Server = new ServerProcess();
            await Server.StartAsync();
            Address = Server.Address;
        }
        else Address = external;
        Client = await ConnectAsync();
    }

    public Task<TemporalClient> ConnectAsync() => TemporalClient.ConnectAsync(ConnectOptions());

    /// <summary>Options for a new client: our server's token, or none for an external frontend.</summary>
    public TemporalClientConnectOptions ConnectOptions() =>
        Server?.ConnectOptions(Namespace) ?? new TemporalClientConnectOptions(Address) { Namespace = Namespace };

    /// <summary>The token callers send (null for an external frontend).</summary>
    public string? Token => Server?.Token;

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public async Task DisposeAsync()
    {
        if (Server != null) await Server.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ConformanceCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "Conformance";
}
