using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Kubiya.Cli.Tests.Infrastructure;

namespace Kubiya.Cli.Tests.Security;

/// <summary>
/// The embedded server as other local accounts meet it: without the owner's token nobody can start
/// executions on the owner's queues; KUBIYA_API_KEY never breaks the embedded default.
/// </summary>
[Collection(CliCollection.Name)]
[Trait("Category", "Security")]
public sealed class ServerAuthTests(CliFixture fx)
{
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [OtherUserFact]
    public async Task AnotherAccountCannotRunCommandsOnTheOwnersQueue()
    {
        var queue = CliFixture.Unique("rootq");
        var proof = Path.Combine(Path.GetTempPath(), "kubiya-other-" + Guid.NewGuid().ToString("N"));
        using var worker = fx.Env.Start(new[] { "worker", "start", "--queue-id", queue });
        await worker.WaitForLineAsync(l => l.Contains($"polling queue '{queue}'"));
        var otherHome = OtherUsersHome();
        try
        {
            // The other account points at the owner's server directly, with no token to send.
            var direct = new CliEnvironment(otherHome, fx.Server.Address).AsUser(OtherUserFactAttribute.OtherUid);
            var r = await direct.RunAsync("exec", "agent", "shell", $"id > {proof}", "--queue", queue, "--no-wait");
            Assert.NotEqual(0, r.ExitCode);
            Assert.Contains("refused", r.Stderr);
            Assert.DoesNotContain("Exception", r.Stderr);
            // ... or relies on the embedded default on the owner's port: its own home has no token.
            var embedded = new CliEnvironment(otherHome, null).With("KUBIYA_SERVER_PORT", fx.Server.Port.ToString()).AsUser(OtherUserFactAttribute.OtherUid);
            var e = await embedded.RunAsync("exec", "agent", "shell", $"id > {proof}", "--queue", queue, "--no-wait");
            Assert.NotEqual(0, e.ExitCode);
            Assert.Contains("token", e.Stderr);
            // The owner's token file itself is out of the other account's reach.
            var read = await RunAsOtherAsync("cat", fx.Server.TokenFile);
            Assert.NotEqual(0, read);
            await Task.Delay(2000);
            Assert.False(File.Exists(proof), "the other account's command ran on the owner's worker");
            Assert.Empty((await fx.Env.RunAsync("execution", "list", "--queue", queue, "-o", "json")).Exit(0).Json.EnumerateArray());
        }
        finally
        {
            worker.Signal("TERM");
            await worker.WaitForExitAsync(TimeSpan.FromSeconds(60));
            File.Delete(proof);
            try { Directory.Delete(otherHome, true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task KubiyaApiKeyIsIgnoredByTheEmbeddedDefault()
    {
        var home = Path.Combine(Path.GetTempPath(), "kubiya-cli-key-" + Guid.NewGuid().ToString("N")[..10]);
        // As every Kubiya quick start does: a platform key in the environment.
        var env = new CliEnvironment(home, null).With("KUBIYA_SERVER_PORT", FreePort().ToString()).With("KUBIYA_API_KEY", "kby-quickstart-key-123");
        try
        {
            var r = (await env.RunAsync("exec", "agent", "shell", "echo embedded-ok", "--local", "--yes", "--output", "json")).Exit(0);
            Assert.Equal("Completed", r.Json.GetProperty("status").GetString());
            Assert.Contains("embedded-ok", r.Json.GetProperty("output").GetString());
            var server = Path.Combine(home, "server");
            Assert.Equal(OwnerFile, File.GetUnixFileMode(Path.Combine(server, "server.token")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(server));
            foreach (var f in new[] { "kubiya.db", "server.log", "server.pid" })
                Assert.True(File.GetUnixFileMode(Path.Combine(server, f)) == OwnerFile, $"{f} is {File.GetUnixFileMode(Path.Combine(server, f))}");
        }
        finally
        {
            await env.RunAsync("server", "stop");
            try { Directory.Delete(home, true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task AConfiguredAddressStillSendsKubiyaApiKey()
    {
        // The fixture's environment reaches its server only through KUBIYA_API_KEY (the token).
        (await fx.Env.RunAsync("execution", "list", "-o", "json")).Exit(0);
        var refused = (await fx.Env.With("KUBIYA_API_KEY", "not-the-token").RunAsync("execution", "list")).Exit(3);
        Assert.Contains("refused the credentials", refused.Stderr);
        Assert.Single(refused.Stderr.Trim().Split('\n'));
    }

    private static string OtherUsersHome()
    {
        var home = Path.Combine(Path.GetTempPath(), "kubiya-nobody-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(home);
        using var chown = Process.Start("chown", new[] { OtherUserFactAttribute.OtherUid.ToString(), home })!;
        chown.WaitForExit();
        return home;
    }

    private static async Task<int> RunAsOtherAsync(params string[] command)
    {
        var psi = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { $"--reuid={OtherUserFactAttribute.OtherUid}", $"--regid={OtherUserFactAttribute.OtherUid}", "--clear-groups" }.Concat(command))
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        await p.WaitForExitAsync();
        return p.ExitCode;
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
