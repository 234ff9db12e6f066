using System.Text.Json;
using Kubiya.Cli.Tests.Infrastructure;
using Kubiya.Core.Workers;
using Kubiya.Testing.FakeOpenAi;

namespace Kubiya.Cli.Tests.Daemon;

/// <summary>
/// A daemon worker started with --proxy-config-json serves llm executions with that configuration,
/// while neither the supervisor's nor the worker's command line carries the key.
/// </summary>
[Collection(DaemonCollection.Name)]
[Trait("Category", "Daemon")]
public sealed class DaemonModelConfigTests(DaemonFixture fx)
{
    [Fact]
    public async Task InlineJsonConfigReachesTheDaemonAsAnOwnerOnlyFileNotOnItsCommandLine()
    {
        var key = "sk-daemon-" + Guid.NewGuid().ToString("N");
        using var fake = new FakeOpenAiServer { RequiredApiKey = key };
        fake.Enqueue(Reply.Text("served by the daemon").WithUsage(12, 3));
        var q = CliFixture.Unique("dmodel");
        var paths = fx.Paths(q);
        var agent = CliFixture.Unique("dllm");
        fx.WriteAgent(agent, $"name: {agent}\nkind: llm\nmodel: daemon-model\ninstructions: Be brief.\n");
        var json = JsonSerializer.Serialize(new
        {
            model_list = new[] { new { model_name = "daemon-model", litellm_params = new { model = "openai/gpt-daemon", api_base = fake.BaseUrl, api_key = key } } },
        });
        try
        {
            var started = (await fx.Env.RunAsync("worker", "start", "--queue-id", q, "-d", "--proxy-config-json", json, "-o", "json")).Exit(0).Json;
            var supervisor = started.GetProperty("pid").GetInt32();
            await DaemonFixture.WaitUntilAsync(() => DaemonInfo.TryRead(paths.InfoFile) is { WorkerPid: > 0 }, "the daemon's worker runs");
            var worker = DaemonInfo.TryRead(paths.InfoFile)!.WorkerPid;

            var written = Path.Combine(paths.Directory, DaemonModelConfig.JsonFileName);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(written));
            foreach (var pid in new[] { supervisor, worker })
            {
                var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
                Assert.Contains($"--proxy-config-file {written}", cmdline);
                Assert.DoesNotContain(key, cmdline);
                Assert.DoesNotContain(key.Substring(10), cmdline);
            }

            var exec = (await fx.Env.RunAsync(new[] { "exec", "agent", agent, "say hello", "--queue", q, "-o", "json" }, null, TimeSpan.FromSeconds(90))).Exit(0).Json;
            Assert.Equal("served by the daemon", exec.GetProperty("output").GetString());
            Assert.Equal(12, exec.GetProperty("inputTokens").GetInt64());
            Assert.Equal("gpt-daemon", Assert.Single(fake.ChatRequests).Model);
        }
        finally
        {
            await fx.Env.RunAsync("worker", "stop", "--queue-id", q);
        }
    }

    [Fact]
    public async Task ABadInlineConfigIsRefusedBeforeAnyDaemonStarts()
    {
        var q = CliFixture.Unique("dbad");
        var r = (await fx.Env.RunAsync("worker", "start", "--queue-id", q, "-d", "--proxy-config-json", "{\"model_list\": [")).Exit(1);
        Assert.Contains("--proxy-config-json", r.Stderr);
        Assert.Contains("not valid JSON", r.Stderr);
        Assert.False(File.Exists(fx.Paths(q).PidFile));
        var missing = (await fx.Env.RunAsync("worker", "start", "--queue-id", q, "-d", "--proxy-config-file", "/nonexistent/models.yaml")).Exit(1);
        Assert.Contains("[ModelConfigNotFound]", missing.Stderr);
    }
}
