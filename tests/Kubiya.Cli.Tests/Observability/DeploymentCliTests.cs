using System.Diagnostics;
using Kubiya.Cli.Tests.Infrastructure;

namespace Kubiya.Cli.Tests.Observability;

/// <summary><c>kubiya worker install</c> prints manifests; <c>worker start --type docker</c> checks docker first.</summary>
[Collection(ObservabilityCollection.Name)]
[Trait("Category", "Observability")]
public sealed class DeploymentCliTests(ObservabilityFixture fx)
{
    [Fact]
    public async Task InstallPrintsManifestsForTheQueue()
    {
        var r = (await fx.Env.RunAsync("worker", "install", "--queue-id", "deploy", "--replicas", "4", "--namespace", "ops", "--image", "reg.example/kubiya:2")).Exit(0);
        Assert.Contains("kind: Deployment", r.Stdout);
        Assert.Contains("  replicas: 4", r.Stdout);
        Assert.Contains("namespace: ops", r.Stdout);
        Assert.Contains("QUEUE_ID: \"deploy\"", r.Stdout);
        Assert.Contains("image: reg.example/kubiya:2", r.Stdout);
        Assert.Contains("[InvalidReplicas]", (await fx.Env.RunAsync("worker", "install", "--queue-id", "q", "--replicas", "0")).Stderr);
    }

    [Fact]
    public async Task DockerTypeFailsClearlyWithoutDocker()
    {
        var missing = (await fx.Env.With("KUBIYA_DOCKER", "docker-not-installed-here").RunAsync("worker", "start", "--queue-id", "dq", "--type", "docker")).Exit(1);
        Assert.Contains("[DockerUnavailable]", missing.Stderr);
        Assert.Contains("not installed", missing.Stderr);

        // Where a docker CLI exists but no daemon answers (as on this CI machine), that is said instead.
        if (DaemonAnswers() is false)
        {
            var noDaemon = (await fx.Env.RunAsync("worker", "start", "--queue-id", "dq", "--type", "docker")).Exit(1);
            Assert.Contains("docker daemon is not running", noDaemon.Stderr);
            Assert.Single(noDaemon.Stderr.Trim().Split('\n'));
        }
    }

    /// <summary>True when <c>docker info</c> succeeds, false when it fails, null without a docker CLI.</summary>
    private static bool? DaemonAnswers()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("docker", "info") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
