using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Kubiya.Cli.Tests.Infrastructure;

namespace Kubiya.Cli.Tests.Cli;

/// <summary>kubiya agent list / get and kubiya server start / stop / status.</summary>
[Collection(CliCollection.Name)]
[Trait("Category", "Cli")]
public sealed class AgentAndServerTests(CliFixture fx)
{
    [Fact]
    public async Task AgentListShowsBuiltInsUserAgentsAndReportsBrokenFiles()
    {
        var project = Directory.CreateTempSubdirectory("kubiya-proj-").FullName;
        try
        {
            var dir = Path.Combine(project, ".kubiya", "agents");
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "broken.yaml"), "name: broken\nsteps:\n  - name: x\n    bogus: 1\n");
            File.WriteAllText(Path.Combine(dir, "local.yaml"), "name: local-one\ndescription: project agent\nsteps:\n  - name: s\n    shell: echo hi\n");
            var r = (await fx.Env.RunAsync("agent", "list", "--cwd", project, "-o", "json")).Exit(0);
            var names = r.Json.EnumerateArray().Select(a => a.GetProperty("name").GetString()).ToList();
            foreach (var n in new[] { "shell", "powershell", "approve", "pair", "local-one" }) Assert.Contains(n, names);
            Assert.DoesNotContain("broken", names);
            Assert.Contains("broken.yaml", r.Stderr);
            Assert.Contains("kubiya: warning:", r.Stderr);
            var text = (await fx.Env.RunAsync("agent", "list")).Exit(0).Stdout;
            Assert.Matches(@"(?m)^NAME\s+KIND\s+STEPS\s+DESCRIPTION", text);
            Assert.Matches(@"(?m)^pair\s+team\s+first,second", text);
        }
        finally
        {
            Directory.Delete(project, true);
        }
    }

    [Fact]
    public async Task TextTablesFitTheTerminalWidthAndRedirectedOutputKeepsWholeValues()
    {
        const string Description = "Runs the prompt as a shell command (bash or sh; cmd on Windows).";
        var whole = (await fx.Env.RunAsync("agent", "list")).Exit(0).Stdout;
        Assert.Contains(Description, whole);
        var narrow = (await fx.Env.With("COLUMNS", "80").RunAsync("agent", "list")).Exit(0).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(narrow, l => Assert.True(l.TrimEnd('\r').Length <= 80, $"{l.Length}: {l}"));
        var shell = Assert.Single(narrow, l => l.StartsWith("shell "));
        Assert.EndsWith("...", shell.TrimEnd('\r'));
        // Other tests add agents with long names, so how much of the description fits varies.
        Assert.Contains("  Runs the", shell);
        Assert.DoesNotContain(Description, shell);
    }

    [Fact]
    public async Task AgentGetShowsStepsAndFailsForUnknownNames()
    {
        var approve = (await fx.Env.RunAsync("agent", "get", "approve", "-o", "json")).Exit(0).Json;
        Assert.Equal("runbook", approve.GetProperty("kind").GetString());
        var steps = approve.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(new[] { "confirm", "run" }, steps.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal("approval", steps[0].GetProperty("kind").GetString());
        Assert.Equal("Go ahead?", steps[0].GetProperty("command").GetString());
        var text = (await fx.Env.RunAsync("agent", "get", "pair")).Exit(0).Stdout;
        Assert.Contains("Agents:       first, second", text);
        Assert.Contains("[AgentNotFound]", (await fx.Env.RunAsync("agent", "get", "nope")).Exit(1).Stderr);
    }

    [Fact]
    public async Task ServerCommandsWithAConfiguredAddressReportItAndRefuseToManageIt()
    {
        var status = (await fx.Env.RunAsync("server", "status", "-o", "json")).Exit(0).Json;
        Assert.Equal(fx.Server.Address, status.GetProperty("address").GetString());
        Assert.Equal("configured", status.GetProperty("mode").GetString());
        Assert.Equal("reachable", status.GetProperty("state").GetString());
        Assert.Contains("[TemporalAddressConfigured]", (await fx.Env.RunAsync("server", "start")).Exit(1).Stderr);
        Assert.Contains("[TemporalAddressConfigured]", (await fx.Env.RunAsync("server", "stop")).Exit(1).Stderr);
        var down = (await fx.Env.With("KUBIYA_TEMPORAL_ADDRESS", "127.0.0.1:1").RunAsync("server", "status")).Exit(3);
        Assert.Contains("unreachable", down.Stdout);
    }

    /// <summary>
    /// The fresh-clone path: no address configured, so exec starts the bundled server (from the
    /// CLI's Server/ folder) detached, on a free port of an isolated home instead of 7233.
    /// </summary>
    [Fact]
    public async Task WithNoAddressExecStartsTheEmbeddedServerWhichServerStopStops()
    {
        var home = Path.Combine(Path.GetTempPath(), "kubiya-cli-auto-" + Guid.NewGuid().ToString("N")[..10]);
        var env = new CliEnvironment(home, null).With("KUBIYA_SERVER_PORT", FreePort().ToString());
        try
        {
            (await env.RunAsync("server", "status")).Exit(3);
            var r = (await env.RunAsync("exec", "agent", "shell", "echo kubiya-ok", "--local", "--yes", "--output", "json")).Exit(0);
            Assert.Equal("Completed", r.Json.GetProperty("status").GetString());
            Assert.Contains("kubiya-ok", r.Json.GetProperty("output").GetString());
            var status = (await env.RunAsync("server", "status", "-o", "json")).Exit(0).Json;
            Assert.Equal("embedded", status.GetProperty("mode").GetString());
            Assert.Equal("running", status.GetProperty("state").GetString());
            Assert.True(status.GetProperty("pid").GetInt32() > 0);
            Assert.True(File.Exists(Path.Combine(home, "server", "kubiya.db")));
            Assert.Equal(1, (await env.RunAsync("execution", "list", "-o", "json")).Exit(0).Json.GetArrayLength());
            (await env.RunAsync("server", "stop")).Exit(0);
            (await env.RunAsync("server", "status")).Exit(3);
            Assert.Contains("not running", (await env.RunAsync("server", "stop")).Exit(0).Stdout);
            (await env.RunAsync("server", "start")).Exit(0);
            Assert.Equal(1, (await env.RunAsync("execution", "list", "-o", "json")).Exit(0).Json.GetArrayLength());
        }
        finally
        {
            await env.RunAsync("server", "stop");
            try { Directory.Delete(home, true); } catch (IOException) { }
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
