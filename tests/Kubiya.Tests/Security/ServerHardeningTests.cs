using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Kubiya.Tests.Infrastructure;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Kubiya.Tests.Security;

/// <summary>Hostile requests and broken storage: specific errors, bounded messages, one log line, true start-up messages.</summary>
[Trait("Category", "Security")]
public sealed class ServerHardeningTests
{
    [Theory]
    [InlineData("../../'\"; --")]
    [InlineData("a/b")]
    [InlineData(" spaced")]
    [InlineData("-leading")]
    public async Task RegisterNamespaceRefusesNamesTemporalRefuses(string name)
    {
        await using var server = new ServerProcess();
        await server.StartAsync();
        var client = await server.ConnectAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => client.Connection.WorkflowService.RegisterNamespaceAsync(new() { Namespace = name }));
        Assert.Equal(RpcException.StatusCode.InvalidArgument, ex.Code);
        Assert.Contains("Invalid namespace name", ex.Message);
        await client.Connection.WorkflowService.RegisterNamespaceAsync(new() { Namespace = "team-a.prod_1" });
        var listed = await client.Connection.WorkflowService.DescribeNamespaceAsync(new() { Namespace = "team-a.prod_1" });
        Assert.Equal("team-a.prod_1", listed.NamespaceInfo.Name);
    }

    [Theory]
    [InlineData(5 * 1024)]
    [InlineData(32 * 1024 - 16)]
    public async Task ALongInvalidQueryIsAnInvalidArgumentWithABoundedMessage(int length)
    {
        await using var server = new ServerProcess();
        await server.StartAsync();
        var client = await server.ConnectAsync();
        // One huge token: the error used to echo all of it into the status header (h2 protocol error).
        var query = "WorkflowId = '" + new string('x', length) + "' AND " + new string('y', 10) + " ~ 1";
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            client.Connection.WorkflowService.ListWorkflowExecutionsAsync(new() { Namespace = "default", Query = query }));
        Assert.Equal(RpcException.StatusCode.InvalidArgument, ex.Code);
        Assert.Contains("Invalid visibility query", ex.Message);
        Assert.True(ex.Message.Length < 1024, $"message is {ex.Message.Length} characters");
        var nameQuery = new string('z', length) + " = 'a'";
        var ex2 = await Assert.ThrowsAsync<RpcException>(() =>
            client.Connection.WorkflowService.ListWorkflowExecutionsAsync(new() { Namespace = "default", Query = nameQuery }));
        Assert.Equal(RpcException.StatusCode.InvalidArgument, ex2.Code);
        Assert.True(ex2.Message.Length < 1024, $"message is {ex2.Message.Length} characters");
    }

    [Fact]
    public async Task AGarbledProtobufBodyIsAnInvalidArgumentWithOneLogLine()
    {
        await using var server = new ServerProcess();
        await server.StartAsync();
        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var garbage = new byte[] { 0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x12, 0x34, 0x99, 0x98 };
        for (var i = 0; i < 3; i++)
        {
            var frame = new byte[5 + garbage.Length];
            frame[4] = (byte)garbage.Length;
            garbage.CopyTo(frame, 5);
            using var req = new HttpRequestMessage(HttpMethod.Post, $"http://{server.Address}/temporal.api.workflowservice.v1.WorkflowService/ListWorkflowExecutions")
            {
                Content = new ByteArrayContent(frame),
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            req.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
            req.Headers.TryAddWithoutValidation("te", "trailers");
            req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.Token);
            using var resp = await http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
            await resp.Content.ReadAsByteArrayAsync();
            var status = resp.TrailingHeaders.TryGetValues("grpc-status", out var t) ? t.First()
                : resp.Headers.TryGetValues("grpc-status", out var h) ? h.First()
                : throw new Xunit.Sdk.XunitException($"no grpc-status: HTTP {(int)resp.StatusCode} {resp.Version} headers {resp.Headers} trailers {resp.TrailingHeaders}");
            Assert.Equal("3", status); // InvalidArgument
        }
        await Task.Delay(500);
        var lines = server.Output.Where(l => l.Contains("Malformed")).ToList();
        Assert.Equal(3, lines.Count);
        Assert.DoesNotContain(server.Output, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Output, l => l.Contains("Exception was thrown by handler"));
    }

    [Fact]
    public async Task AnIpv4MappedLoopbackBindIsServed()
    {
        await using var server = new ServerProcess(null, "--bind", "::ffff:127.0.0.1");
        await server.StartAsync();
        Assert.Contains(server.Output, l => l.Contains("ready on 127.0.0.1:"));
        var client = await server.ConnectAsync();
        await client.Connection.WorkflowService.GetSystemInfoAsync(new());
    }

    [OtherUserFact]
    public async Task AFolderTheServerCannotWriteIsReportedAsSuch()
    {
        var dir = Directory.CreateTempSubdirectory("kubiya-ro-folder-").FullName; // root's, 0700
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        var (code, err) = await RunServerAsOtherAsync("--port", "0", "--db", Path.Combine(dir, "kubiya.db"));
        Assert.Equal(1, code);
        Assert.Contains("is not writable by this account", err);
        Assert.DoesNotContain("in use by another", err);
    }

    [OtherUserFact]
    public async Task AReadOnlyDatabaseFileIsReportedAtStartNotAfterReady()
    {
        var dir = Directory.CreateTempSubdirectory("kubiya-ro-db-").FullName;
        var db = Path.Combine(dir, "kubiya.db");
        await using (var first = new ServerProcess(db))
        {
            await first.StartAsync();
            await first.StopAsync();
        }
        // The folder is the other account's, the database file stays root's and read-only to it.
        Chown(dir, OtherUserFactAttribute.OtherUid);
        foreach (var f in Directory.GetFiles(dir).Where(f => !f.EndsWith(".db", StringComparison.Ordinal))) Chown(f, OtherUserFactAttribute.OtherUid);
        File.SetUnixFileMode(db, (UnixFileMode)0b110_100_100);
        var (code, err) = await RunServerAsOtherAsync("--port", "0", "--db", db);
        Assert.Equal(1, code);
        Assert.Contains("is read-only", err);
        Assert.DoesNotContain("ready", err);
    }

    [RootFact]
    public async Task AReadOnlyFileSystemIsReportedAsSuch()
    {
        var mount = Directory.CreateTempSubdirectory("kubiya-rofs-").FullName;
        Assert.Equal(0, await RunAsync("mount", "-t", "tmpfs", "-o", "size=4m,ro", "tmpfs", mount));
        try
        {
            await using var server = new ServerProcess(Path.Combine(mount, "kubiya.db"));
            var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => server.StartAsync());
            Assert.Contains("read-only", ex.Message);
            Assert.DoesNotContain("in use by another", ex.Message);
        }
        finally { await RunAsync("umount", mount); }
    }

    [RootFact]
    public async Task AFullDiskIsLoggedOncePerStateChangeAndWaitingCallersAreTold()
    {
        var mount = Directory.CreateTempSubdirectory("kubiya-full-").FullName;
        Assert.Equal(0, await RunAsync("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mount));
        try
        {
            await using var server = new ServerProcess(Path.Combine(mount, "kubiya.db"), "--log-level", "Warning");
            await server.StartAsync();
            var client = await server.ConnectAsync();
            var handle = await client.StartWorkflowAsync("NeverPolled", Array.Empty<object?>(), new(ServerFixture.Unique("full"), ServerFixture.Unique("q")));
            var filler = Path.Combine(mount, "filler");
            await RunAsync("sh", "-c", $"dd if=/dev/zero of={filler} bs=64k 2>/dev/null; true");
            // Writes now fail: each attempt is refused, but the log says it once.
            var raw = await TemporalClient.ConnectAsync(new(server.Address) { ApiKey = server.Token, Tls = new() { Disabled = true }, RpcRetry = new() { MaxRetries = 0 } });
            for (var i = 0; i < 5; i++)
            {
                try
                {
                    await raw.StartWorkflowAsync("NeverPolled", Array.Empty<object?>(), new(ServerFixture.Unique("full"), "q") { StaticSummary = new string('s', 4000) });
                }
                catch (RpcException ex) { Assert.Contains("disk is full", ex.Message); }
            }
            // A caller waiting for progress hears why nothing happens.
            var wait = await Assert.ThrowsAsync<RpcException>(() => raw.Connection.WorkflowService.GetWorkflowExecutionHistoryAsync(new()
            {
                Namespace = "default",
                Execution = new() { WorkflowId = handle.Id },
                WaitNewEvent = true,
                NextPageToken = Google.Protobuf.ByteString.CopyFromUtf8("1000"),
            }));
            Assert.Contains("disk is full", wait.Message);
            File.Delete(filler);
            await raw.StartWorkflowAsync("NeverPolled", Array.Empty<object?>(), new(ServerFixture.Unique("full"), "q"));
            await Task.Delay(300);
            Assert.Single(server.Output, l => l.Contains("The database's disk is full"));
            Assert.Single(server.Output, l => l.Contains("accepts writes again"));
            Assert.DoesNotContain(server.Output, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        }
        finally { await RunAsync("umount", "-l", mount); }
    }

    private static void Chown(string path, int uid)
    {
        using var p = Process.Start("chown", new[] { uid.ToString(), path })!;
        p.WaitForExit();
    }

    private static async Task<int> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        await p.WaitForExitAsync();
        return p.ExitCode;
    }

    private static async Task<(int Code, string Err)> RunServerAsOtherAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { $"--reuid={OtherUserFactAttribute.OtherUid}", $"--regid={OtherUserFactAttribute.OtherUid}", "--clear-groups", "dotnet", RepoPaths.ServerDll }.Concat(args))
            psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = Path.GetTempPath();
        psi.Environment["DOTNET_CLI_HOME"] = Path.GetTempPath();
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try { await p.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { p.Kill(true); throw new TimeoutException("server kept running: " + await output); }
        return (p.ExitCode, await err + await output);
    }
}
