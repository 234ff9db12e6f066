using Kubiya.Tests.Infrastructure;
using Temporalio.Client;

namespace Kubiya.Tests.Security;

/// <summary>The embedded server authenticates every caller with its owner-only token file.</summary>
[Trait("Category", "Security")]
public sealed class EmbeddedServerAuthTests
{
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Fact]
    public async Task ACallerWithoutTheTokenIsUnauthenticated()
    {
        await using var server = new ServerProcess();
        await server.StartAsync();
        Assert.NotNull(server.Token);
        var none = await Assert.ThrowsAsync<InvalidOperationException>(() => TemporalClient.ConnectAsync(new(server.Address)));
        Assert.Contains("Unauthenticated", none.Message);
        var wrong = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            TemporalClient.ConnectAsync(new(server.Address) { ApiKey = new string('0', 64), Tls = new() { Disabled = true } }));
        Assert.Contains("Unauthenticated", wrong.Message);
        Assert.Contains("server.token", wrong.Message);
        var client = await server.ConnectAsync();
        var ns = await client.Connection.WorkflowService.DescribeNamespaceAsync(new() { Namespace = "default" });
        Assert.Equal("default", ns.NamespaceInfo.Name);
    }

    [Fact]
    public async Task EveryCallNeedsTheTokenNotOnlyTheFirst()
    {
        await using var server = new ServerProcess();
        await server.StartAsync();
        var client = await server.ConnectAsync();
        // The same connection with the credential removed afterwards: the next call is refused.
        client.Connection.ApiKey = null;
        var ex = await Assert.ThrowsAsync<Temporalio.Exceptions.RpcException>(() =>
            client.Connection.WorkflowService.ListWorkflowExecutionsAsync(new() { Namespace = "default" }));
        Assert.Equal(Temporalio.Exceptions.RpcException.StatusCode.Unauthenticated, ex.Code);
    }

    [Fact]
    public async Task TheTokenIsRandomOwnerOnlyAndSurvivesARestart()
    {
        await using var first = new ServerProcess();
        await first.StartAsync();
        await using var second = new ServerProcess();
        await second.StartAsync();
        Assert.Matches("^[0-9a-f]{64}$", first.Token);
        Assert.NotEqual(first.Token, second.Token);
        Assert.Equal(OwnerFile, File.GetUnixFileMode(first.TokenFile));
        Assert.Equal(OwnerFolder, File.GetUnixFileMode(Path.GetDirectoryName(first.DbPath)!));
        var token = first.Token;
        var port = first.Port;
        Assert.Equal(0, await first.StopAsync());
        await first.StartAsync(port);
        Assert.Equal(token, first.Token);
        await (await first.ConnectAsync()).Connection.WorkflowService.GetSystemInfoAsync(new());
    }

    [Fact]
    public async Task TheDatabaseAndItsSideFilesAreOwnerOnly()
    {
        await using var server = new ServerProcess();
        await server.StartAsync();
        var client = await server.ConnectAsync();
        await client.StartWorkflowAsync("NeverPolled", Array.Empty<object?>(), new(ServerFixture.Unique("perm"), ServerFixture.Unique("q")));
        var dir = Path.GetDirectoryName(server.DbPath)!;
        var files = Directory.GetFiles(dir);
        Assert.Contains(server.DbPath, files);
        Assert.Contains(server.DbPath + "-wal", files);
        foreach (var f in files) Assert.True(File.GetUnixFileMode(f) == OwnerFile, $"{f} is {File.GetUnixFileMode(f)}");
    }

    [Fact]
    public async Task NoAuthIsAnExplicitOptionForTestsAndFronts()
    {
        await using var server = new ServerProcess(null, "--no-auth");
        await server.StartAsync();
        Assert.Null(server.Token);
        var client = await TemporalClient.ConnectAsync(new(server.Address));
        await client.Connection.WorkflowService.GetSystemInfoAsync(new());
        Assert.False(File.Exists(server.TokenFile));
    }

    [Fact]
    public async Task AnExplicitTokenFileIsUsed()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("kubiya-token-").FullName, "secrets", "caller.token");
        await using var server = new ServerProcess(null, "--token-file", file);
        await server.StartAsync();
        var token = File.ReadAllText(file).Trim();
        Assert.Equal(OwnerFile, File.GetUnixFileMode(file));
        var client = await TemporalClient.ConnectAsync(new(server.Address) { ApiKey = token, Tls = new() { Disabled = true } });
        await client.Connection.WorkflowService.GetSystemInfoAsync(new());
    }
}
