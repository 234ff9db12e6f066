using System.Text;
using Kubiya.Cli.Tests.Infrastructure;
using Temporalio.Api.WorkflowService.V1;
using Google.Protobuf;

namespace Kubiya.Cli.Tests.Security;

/// <summary>
/// Secrets through a real worker: agent env references resolve on the worker at step start, so the
/// workflow history (fetched raw) and the database never hold the value; output masks it; steps do
/// not inherit the product's own keys.
/// </summary>
[Collection(CliCollection.Name)]
[Trait("Category", "Security")]
public sealed class StepSecretTests(CliFixture fx)
{
    private const string Secret = "pa55-Zq8-unique-7731";

    [Fact]
    public async Task AReferencedSecretIsResolvedOnTheWorkerAndNeverReachesHistoryOrTheDatabase()
    {
        var queue = CliFixture.Unique("secretq");
        var agent = CliFixture.Unique("db");
        // The step proves it got the value by its hash, so the command itself holds no secret.
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Secret))).ToLowerInvariant();
        fx.WriteAgent(agent, $"name: {agent}\nenv:\n  DB_PASSWORD: ${{env:KUBIYA_TEST_DB_PASSWORD}}\nsteps:\n  - name: use\n    shell: 'printf %s \"$DB_PASSWORD\" | sha256sum; echo \"pw=$DB_PASSWORD\"'\n");
        using var worker = fx.Env.With("KUBIYA_TEST_DB_PASSWORD", Secret).Start(new[] { "worker", "start", "--queue-id", queue });
        await worker.WaitForLineAsync(l => l.Contains($"polling queue '{queue}'"));
        try
        {
            var r = (await fx.Env.RunAsync("exec", "agent", agent, "migrate", "--queue", queue, "--output", "json")).Exit(0);
            var output = r.Json.GetProperty("output").GetString()!;
            Assert.Contains(hash, output);
            Assert.Contains("pw=***", output);
            Assert.DoesNotContain(Secret, r.Stdout + r.Stderr);
            var id = r.Json.GetProperty("id").GetString()!;

            var client = await fx.Server.ConnectAsync();
            var history = await client.Connection.WorkflowService.GetWorkflowExecutionHistoryAsync(new GetWorkflowExecutionHistoryRequest
            {
                Namespace = "default",
                Execution = new() { WorkflowId = id },
            });
            var raw = history.ToByteArray();
            Assert.True(Contains(raw, "${env:KUBIYA_TEST_DB_PASSWORD}"), "history should hold the reference");
            Assert.False(Contains(raw, Secret), "the secret value is in the workflow history");
            var describe = await client.Connection.WorkflowService.DescribeWorkflowExecutionAsync(new() { Namespace = "default", Execution = new() { WorkflowId = id } });
            Assert.False(Contains(describe.ToByteArray(), Secret), "the secret value is in the memo");
            var logs = (await fx.Env.RunAsync("execution", "logs", id)).Exit(0);
            Assert.DoesNotContain(Secret, logs.Stdout);
            foreach (var file in Directory.GetFiles(Path.GetDirectoryName(fx.Server.DbPath)!).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)))
                Assert.False(Contains(ReadShared(file), Secret), $"the secret value is in {file}");
        }
        finally
        {
            worker.Signal("TERM");
            await worker.WaitForExitAsync(TimeSpan.FromSeconds(60));
        }
        Assert.DoesNotContain(Secret, worker.Stdout + worker.Stderr);
        var workerLog = Path.Combine(fx.Home, "workers", queue, "logs", "worker.log");
        if (File.Exists(workerLog)) Assert.DoesNotContain(Secret, File.ReadAllText(workerLog));
    }

    [Fact]
    public async Task StepsDoNotInheritTheProductsKeysUnlessTheAgentNamesThem()
    {
        var queue = CliFixture.Unique("keysq");
        var plain = CliFixture.Unique("plain");
        var named = CliFixture.Unique("named");
        fx.WriteAgent(plain, $"name: {plain}\nsteps:\n  - shell: 'echo \"kubiya=${{KUBIYA_API_KEY:+yes}} openai=${{OPENAI_API_KEY:+yes}} path=${{PATH:+yes}}\"'\n");
        fx.WriteAgent(named, $"name: {named}\nenv:\n  OPENAI_API_KEY: ${{env:OPENAI_API_KEY}}\nsteps:\n  - shell: 'echo \"openai=${{OPENAI_API_KEY:+yes}}\"'\n");
        // The worker has both (KUBIYA_API_KEY is the fixture's server token).
        using var worker = fx.Env.With("OPENAI_API_KEY", "sk-test-worker-key").Start(new[] { "worker", "start", "--queue-id", queue });
        await worker.WaitForLineAsync(l => l.Contains($"polling queue '{queue}'"));
        try
        {
            var r = (await fx.Env.RunAsync("exec", "agent", plain, "x", "--queue", queue, "--output", "json")).Exit(0);
            Assert.Contains("kubiya= openai= path=yes", r.Json.GetProperty("output").GetString());
            var n = (await fx.Env.RunAsync("exec", "agent", named, "x", "--queue", queue, "--output", "json")).Exit(0);
            Assert.Contains("openai=yes", n.Json.GetProperty("output").GetString());
        }
        finally
        {
            worker.Signal("TERM");
            await worker.WaitForExitAsync(TimeSpan.FromSeconds(60));
        }
    }

    [Fact]
    public async Task AMissingReferencedVariableFailsTheStepNamingTheVariable()
    {
        var agent = CliFixture.Unique("missing");
        fx.WriteAgent(agent, $"name: {agent}\nsteps:\n  - shell: echo never\n    env:\n      API_TOKEN: ${{env:KUBIYA_TEST_NOT_SET_ANYWHERE}}\n");
        var r = (await fx.Env.RunAsync("exec", "agent", agent, "x", "--local", "--yes", "--output", "json")).Exit(1);
        var error = r.Json.GetProperty("error").GetString()!;
        Assert.Contains("KUBIYA_TEST_NOT_SET_ANYWHERE", error);
        Assert.Contains("is not set", error);
        Assert.DoesNotContain("never", r.Json.GetProperty("output").GetString() ?? "");
    }

    [Fact]
    public async Task ALiteralSecretInAnAgentIsAWarningWithFileLineAndTheReferenceForm()
    {
        var agent = CliFixture.Unique("literal");
        fx.WriteAgent(agent, $"name: {agent}\nsteps:\n  - shell: echo \"$SERVICE_TOKEN\"\n    env:\n      SERVICE_TOKEN: tok-literal-1234\n");
        var r = (await fx.Env.RunAsync("exec", "agent", agent, "x", "--local", "--yes", "--output", "json")).Exit(0);
        var file = Path.Combine(fx.Home, "agents", agent + ".yaml");
        Assert.Contains($"{file}:5:7: steps[0].env.SERVICE_TOKEN holds a literal secret", r.Stderr);
        Assert.Contains("SERVICE_TOKEN: ${env:SERVICE_TOKEN}", r.Stderr);
        // The value itself is masked in the output.
        Assert.Contains("***", r.Json.GetProperty("output").GetString());
        Assert.DoesNotContain("tok-literal-1234", r.Json.GetProperty("output").GetString());
        var list = (await fx.Env.RunAsync("agent", "list")).Exit(0);
        Assert.Contains($"{file}:5:7:", list.Stderr);
    }

    [Fact]
    public async Task MalformedAgentFilesNeverBreakOtherCommands()
    {
        var project = Directory.CreateTempSubdirectory("kubiya-cli-broken-").FullName;
        var agents = Path.Combine(project, ".kubiya", "agents");
        Directory.CreateDirectory(agents);
        File.WriteAllText(Path.Combine(agents, "empty-key.yaml"), "name: empty-key\nsteps:\n  - : echo hi\n");
        File.WriteAllText(Path.Combine(agents, "unclosed.yaml"), "name: unclosed\nkind: team\nagents: [a, b\n");
        File.WriteAllText(Path.Combine(agents, "deep.yaml"), "name: deep\nsteps: " + new string('[', 200_000) + "\n");
        var r = (await fx.Env.RunAsync(new[] { "exec", "agent", "shell", "echo still-works", "--local", "--yes", "--output", "json" }, null, null, project)).Exit(0);
        Assert.Contains("still-works", r.Json.GetProperty("output").GetString());
        var list = (await fx.Env.RunAsync(new[] { "agent", "list" }, null, null, project)).Exit(0);
        Assert.Contains("unclosed.yaml:", list.Stderr);
        Assert.Contains("empty-key.yaml", list.Stderr);
        Assert.Contains("deep.yaml:2:", list.Stderr);
        Assert.DoesNotContain("Unhandled exception", list.Stderr + r.Stderr);
        Assert.DoesNotContain("System.", list.Stderr);
    }

    [Fact]
    public async Task WorkerFoldersAndLogsAreOwnerOnly()
    {
        var queue = CliFixture.Unique("permq");
        using var worker = fx.Env.Start(new[] { "worker", "start", "--queue-id", queue });
        await worker.WaitForLineAsync(l => l.Contains($"polling queue '{queue}'"));
        worker.Signal("TERM");
        await worker.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var daemonQueue = CliFixture.Unique("permd");
        (await fx.Env.RunAsync("worker", "start", "--queue-id", daemonQueue, "-d")).Exit(0);
        try
        {
            var dir = Path.Combine(fx.Home, "workers", daemonQueue);
            await WaitForAsync(() => File.Exists(Path.Combine(dir, "logs", "worker.log")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(fx.Home));
            foreach (var f in Directory.GetFiles(dir, "*", SearchOption.AllDirectories))
                Assert.True((File.GetUnixFileMode(f) & (UnixFileMode)0b000_111_111) == 0, $"{f} is {File.GetUnixFileMode(f)}");
        }
        finally { await fx.Env.RunAsync("worker", "stop", "--queue-id", daemonQueue); }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(200);
        Assert.True(condition());
    }

    private static byte[] ReadShared(string path)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var m = new MemoryStream();
        f.CopyTo(m);
        return m.ToArray();
    }

    private static bool Contains(byte[] haystack, string needle) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0;
}
