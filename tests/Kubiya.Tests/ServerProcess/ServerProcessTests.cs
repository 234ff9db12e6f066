using System.Diagnostics;
using Kubiya.Tests.Infrastructure;
using Temporalio.Client;

namespace Kubiya.Tests.ServerProcessTests;

/// <summary>The server as an operator meets it: arguments, ready line, auth, shutdown, restart.</summary>
[Trait("Category", "ServerProcess")]
public sealed class ServerProcessTests
{
    private static async Task<(int Code, string Out, string Err)> RunServer(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(RepoPaths.ServerDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task RefusesNonLoopbackBindWithoutAllowRemote()
    {
        var (code, _, err) = await RunServer("--bind", "0.0.0.0", "--port", "0");
        Assert.Equal(2, code);
        Assert.Contains("non-loopback", err);
    }

    [Fact]
    public async Task AllowRemoteWithoutApiKeyIsRefused()
    {
        var (code, _, err) = await RunServer("--bind", "0.0.0.0", "--allow-remote", "--port", "0");
        Assert.Equal(2, code);
        Assert.Contains("--api-key", err);
    }

    [Fact]
    public async Task UnknownOptionAndBadPortExitWithUsage()
    {
        var (code, _, err) = await RunServer("--frobnicate");
        Assert.Equal(2, code);
        Assert.Contains("Unknown option '--frobnicate'", err);
        (code, _, err) = await RunServer("--port", "99999");
        Assert.Equal(2, code);
        Assert.Contains("--port must be 0-65535", err);
    }

    [Fact]
    public async Task PrintsOneReadyLineAndStopsCleanlyOnSigterm()
    {
        await using var server = new ServerProcess();
        await server.StartAsync();
        Assert.Single(server.Output, l => l.Contains("Kubiya.Server ready on 127.0.0.1:" + server.Port));
        var client = await server.ConnectAsync();
        Assert.NotNull(client);
        var code = await server.StopAsync();
        Assert.Equal(0, code);
    }

    [Fact]
    public async Task ApiKeyIsRequiredWhenConfigured()
    {
        await using var server = new ServerProcess(null, "--api-key", "s3cret");
        await server.StartAsync();
        // The SDK reports a refused connect as InvalidOperationException carrying the gRPC status.
        var denied = await Assert.ThrowsAsync<InvalidOperationException>(() => TemporalClient.ConnectAsync(new(server.Address)));
        // (the SDK turns TLS on by itself when given an API key; this server has none configured here)
        Assert.Contains("Unauthenticated", denied.Message);
        var wrong = await Assert.ThrowsAsync<InvalidOperationException>(() => TemporalClient.ConnectAsync(new(server.Address) { ApiKey = "nope", Tls = new() { Disabled = true } }));
        Assert.Contains("Unauthenticated", wrong.Message);
        var client = await TemporalClient.ConnectAsync(new(server.Address) { ApiKey = "s3cret", Tls = new() { Disabled = true } });
        var info = await client.Connection.WorkflowService.GetSystemInfoAsync(new());
        Assert.True(info.Capabilities.SignalAndQueryHeader);
    }

    [Fact]
    public async Task ServesTlsWithAnApiKey()
    {
        var dir = Directory.CreateTempSubdirectory("kubiya-tls-").FullName;
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var req = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=localhost", key,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        var san = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        req.CertificateExtensions.Add(san.Build());
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certPem = cert.ExportCertificatePem();
        File.WriteAllText(Path.Combine(dir, "cert.pem"), certPem);
        File.WriteAllText(Path.Combine(dir, "key.pem"), key.ExportRSAPrivateKeyPem());
        await using var server = new ServerProcess(null, "--api-key", "tls-key",
            "--tls-cert", Path.Combine(dir, "cert.pem"), "--tls-key", Path.Combine(dir, "key.pem"));
        await server.StartAsync();
        var client = await TemporalClient.ConnectAsync(new($"localhost:{server.Port}")
        {
            ApiKey = "tls-key",
            Tls = new() { ServerRootCACert = System.Text.Encoding.ASCII.GetBytes(certPem), Domain = "localhost" },
        });
        var ns = await client.Connection.WorkflowService.DescribeNamespaceAsync(new() { Namespace = "default" });
        Assert.Equal("default", ns.NamespaceInfo.Name);
    }

    [Fact]
    public async Task ASecondServerOnTheSameDatabaseIsRefused()
    {
        await using var first = new ServerProcess();
        await first.StartAsync();
        var (code, _, err) = await RunServer("--port", "0", "--db", first.DbPath);
        Assert.Equal(1, code);
        Assert.Contains("in use by another Kubiya.Server", err);
        // The first server is unharmed.
        var client = await first.ConnectAsync();
        await client.Connection.WorkflowService.GetSystemInfoAsync(new());
    }

    [Fact]
    public async Task AFileThatIsNotADatabaseIsReportedNotOverwritten()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("kubiya-db-").FullName, "notes.txt");
        var text = string.Join("\n", Enumerable.Repeat("precious notes, not a database", 200));
        File.WriteAllText(path, text);
        var (code, _, err) = await RunServer("--port", "0", "--db", path);
        Assert.Equal(1, code);
        Assert.Contains("cannot open database", err);
        Assert.Equal(text, File.ReadAllText(path));
    }

    [Fact]
    public async Task ExecutionsSurviveACleanRestart()
    {
        await using var server = new ServerProcess();
        await server.StartAsync();
        var port = server.Port;
        var client = await server.ConnectAsync();
        var id = ServerFixture.Unique("restart");
        await client.StartWorkflowAsync("NeverPolled", Array.Empty<object?>(), new(id, ServerFixture.Unique("q")));
        Assert.Equal(0, await server.StopAsync());
        await server.StartAsync(port);
        Assert.Contains(server.Output, l => l.Contains("1 open executions resumed"));
        var desc = await client.GetWorkflowHandle(id).DescribeAsync();
        Assert.Equal(Temporalio.Api.Enums.V1.WorkflowExecutionStatus.Running, desc.Status);
        Assert.Equal("NeverPolled", desc.WorkflowType);
    }
}
