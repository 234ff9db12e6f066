using Kubiya.Cli.Tests.Infrastructure;
using Kubiya.Core.Workers;

namespace Kubiya.Cli.Tests.Daemon;

/// <summary>kubiya worker restart starts the daemon again with every option it was started with.</summary>
[Collection(DaemonCollection.Name)]
[Trait("Category", "Daemon")]
public sealed class DaemonRestartTests(DaemonFixture fx)
{
    private Task<CliResult> Cli(params string[] args) => fx.Env.RunAsync(args);

    private static string CommandLineOf(int pid) => File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ') + " ";

    private async Task<(int supervisor, string supervisorLine, string workerLine)> RunningAsync(WorkerPaths paths, int notPid)
    {
        await DaemonFixture.WaitUntilAsync(() => DaemonInfo.TryRead(paths.InfoFile) is { WorkerPid: > 0 } i && i.Pid != notPid, "the daemon's worker runs");
        var info = DaemonInfo.TryRead(paths.InfoFile)!;
        return (info.Pid, CommandLineOf(info.Pid), CommandLineOf(info.WorkerPid));
    }

    [Fact]
    public async Task RestartKeepsLogLimitsDrainTimeoutModelFileAndWebUIChoice()
    {
        var q = CliFixture.Unique("rst");
        var paths = fx.Paths(q);
        var models = Path.Combine(fx.Home, q + "-models.yaml");
        File.WriteAllText(models, "model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/gpt-x\n      api_key: os.environ/NO_SUCH_KEY\n");
        try
        {
            var started = (await Cli("worker", "start", "--queue-id", q, "-d", "--max-log-size", "65536", "--max-log-backups", "2",
                "--drain-timeout", "7", "--restart-delay", "3", "--proxy-config-file", models, "--no-webui", "-o", "json")).Exit(0).Json;
            var first = started.GetProperty("pid").GetInt32();
            await RunningAsync(paths, 0);

            // From a shell whose environment would serve a UI: the recorded --no-webui still wins.
            (await fx.Env.With("KUBIYA_NO_WEBUI", null).RunAsync("worker", "restart", "--queue-id", q)).Exit(0);
            var (second, supervisor, worker) = await RunningAsync(paths, first);
            Assert.False(DaemonFixture.IsKubiya(first));
            foreach (var option in new[] { "--max-log-size 65536 ", "--max-log-backups 2 ", "--drain-timeout 7 ", "--restart-delay 3 ", $"--proxy-config-file {models} ", "--no-webui " })
                Assert.Contains(option, supervisor);
            foreach (var option in new[] { "--drain-timeout 7 ", $"--proxy-config-file {models} ", "--no-webui " })
                Assert.Contains(option, worker);
            // It serves its queue again.
            var exec = (await Cli("exec", "agent", "shell", "echo after-restart", "--queue", q, "-o", "json")).Exit(0).Json;
            Assert.Contains("after-restart", exec.GetProperty("output").GetString());

            // --webui-port on restart changes that choice only.
            (await Cli("worker", "restart", "--queue-id", q, "--webui-port", "0")).Exit(0);
            var (_, third, thirdWorker) = await RunningAsync(paths, second);
            Assert.Contains("--webui-port 0 ", third);
            Assert.DoesNotContain("--no-webui", third);
            Assert.Contains("--webui-port 0 ", thirdWorker);
            Assert.Contains("--max-log-size 65536 ", third);
            Assert.Contains($"--proxy-config-file {models} ", third);
        }
        finally
        {
            await Cli("worker", "stop", "--queue-id", q);
        }
    }

    [Fact]
    public async Task ABadWebUIPortOnRestartLeavesTheDaemonRunning()
    {
        var q = CliFixture.Unique("rstbad");
        var paths = fx.Paths(q);
        try
        {
            var pid = (await Cli("worker", "start", "--queue-id", q, "-d", "--no-webui", "-o", "json")).Exit(0).Json.GetProperty("pid").GetInt32();
            var r = (await Cli("worker", "restart", "--queue-id", q, "--webui-port", "70000")).Exit(2);
            Assert.Contains("--webui-port must be from 0 to 65535", r.Stderr);
            Assert.True(DaemonFixture.IsKubiya(pid));
            Assert.Equal(pid, DaemonInfo.TryRead(paths.InfoFile)!.Pid);
        }
        finally
        {
            await Cli("worker", "stop", "--queue-id", q);
        }
    }
}
