namespace Kubiya.Cli.Tests.Infrastructure;

/// <summary>
/// One real Kubiya.Server (port 0) and one temporary Kubiya home with a few agents, shared by
/// the tests of a collection. Everything the CLI does happens against these, never against
/// ~/.kubiya or port 7233.
/// </summary>
public class CliFixture : IAsyncLifetime
{
    public ServerProcess Server { get; } = new();
    public string Home { get; } = Path.Combine(Path.GetTempPath(), "kubiya-cli-home-" + Guid.NewGuid().ToString("N")[..12]);
    public CliEnvironment Env { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        if (!File.Exists(CliPaths.Dll))
            throw new InvalidOperationException($"The CLI was not built at {CliPaths.Dll}; run dotnet build Kubiya.sln.");
        await Server.StartAsync();
        Env = new CliEnvironment(Home, Server.Address, Server.Token);
        WriteAgent("approve", """
            name: approve
            description: Asks before it runs
            steps:
              - name: confirm
                approval: Go ahead?
              - name: run
                shell: echo approved-run
            """);
        WriteAgent("first", "name: first\nsteps:\n  - name: one\n    shell: echo from-first\n");
        WriteAgent("second", "name: second\nsteps:\n  - name: two\n    shell: echo from-second\n");
        WriteAgent("pair", "name: pair\nkind: team\ndescription: first then second\nagents: [first, second]\n");
    }

    /// <summary>Writes ~/.kubiya/agents/NAME.yaml of this home.</summary>
    public void WriteAgent(string name, string yaml)
    {
        var dir = Path.Combine(Home, "agents");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, name + ".yaml"), yaml.Replace("\r\n", "\n"));
    }

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";

    public virtual async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        try { Directory.Delete(Home, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<CliFixture>
{
    public const string Name = "Cli";
}
