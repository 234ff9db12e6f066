using System.Text.RegularExpressions;
using Kubiya.Core.Deployment;
using Kubiya.Core.Health;
using YamlDotNet.RepresentationModel;

namespace Kubiya.Core.Tests.Observability;

/// <summary>
/// The shipped deployment files speak the code's language: every environment variable they set is
/// one the code reads, every flag is one the commands accept, every probe path is the one the
/// worker writes or serves.
/// </summary>
[Trait("Category", "Observability")]
public sealed class DeploymentManifestTests
{
    private static readonly string Repo = FindRepo();

    private static string FindRepo()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Kubiya.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    private static readonly Lazy<string> Source = new(() => string.Join("\n",
        Directory.GetFiles(Path.Combine(Repo, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(File.ReadAllText)));

    private static List<YamlMappingNode> Documents(string relative)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(Repo, relative))));
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    private static YamlNode? At(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next)) return null;
            node = next;
        }
        return node;
    }

    private static string Kind(YamlMappingNode d) => ((YamlScalarNode)At(d, "kind")!).Value!;

    private static void AssertCodeReads(string variable) =>
        Assert.True(Source.Value.Contains($"\"{variable}\""), $"{variable} is set by a deployment file but no code reads it");

    [Fact]
    public void EveryEnvironmentVariableTheKubernetesWorkerGetsIsReadByTheCode()
    {
        var docs = Documents("deploy/kubernetes/worker.yaml");
        var config = docs.Single(d => Kind(d) == "ConfigMap");
        var names = ((YamlMappingNode)At(config, "data")!).Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToList();
        names.AddRange(((YamlMappingNode)At(docs.Single(d => Kind(d) == "Secret"), "stringData")!).Children.Keys.Select(k => ((YamlScalarNode)k).Value!));
        var container = (YamlMappingNode)((YamlSequenceNode)At(docs.Single(d => Kind(d) == "Deployment"), "spec", "template", "spec", "containers")!)[0];
        names.AddRange(((YamlSequenceNode)At(container, "env")!).Select(e => ((YamlScalarNode)At(e, "name")!).Value!));
        Assert.Contains("WORKER_HOSTNAME", names);
        Assert.Contains("QUEUE_ID", names);
        Assert.True(names.Count >= 15, string.Join(",", names));
        foreach (var n in names) AssertCodeReads(n);
        // WORKER_HOSTNAME from the pod name.
        Assert.Equal("metadata.name", ((YamlScalarNode)At(((YamlSequenceNode)At(container, "env")!).Single(e => ((YamlScalarNode)At(e, "name")!).Value == "WORKER_HOSTNAME"), "valueFrom", "fieldRef", "fieldPath")!).Value);
    }

    [Fact]
    public void ProbesCheckWhatTheWorkerWritesAndServes()
    {
        var docs = Documents("deploy/kubernetes/worker.yaml");
        var data = (YamlMappingNode)At(docs.Single(d => Kind(d) == "ConfigMap"), "data")!;
        string Data(string key) => ((YamlScalarNode)data[new YamlScalarNode(key)]).Value!;
        Assert.Equal(ObservabilitySettings.DefaultAliveFile, Data("WORKER_ALIVE_FILE"));
        Assert.Equal(ObservabilitySettings.DefaultReadyFile, Data("WORKER_READY_FILE"));
        Assert.Equal(ObservabilitySettings.DefaultMetricsPort.ToString(), Data("METRICS_PORT"));
        var container = (YamlMappingNode)((YamlSequenceNode)At(docs.Single(d => Kind(d) == "Deployment"), "spec", "template", "spec", "containers")!)[0];
        var startup = string.Join(" ", ((YamlSequenceNode)At(container, "startupProbe", "exec", "command")!).Select(c => ((YamlScalarNode)c).Value));
        Assert.Contains(Data("WORKER_READY_FILE"), startup);
        var liveness = string.Join(" ", ((YamlSequenceNode)At(container, "livenessProbe", "exec", "command")!).Select(c => ((YamlScalarNode)c).Value));
        Assert.Contains(Data("WORKER_ALIVE_FILE"), liveness);
        Assert.Equal("/readyz", ((YamlScalarNode)At(container, "readinessProbe", "httpGet", "path")!).Value);
        Assert.Contains("\"/readyz\"", Source.Value);
        Assert.Contains("\"/healthz\"", Source.Value);
        var port = (YamlMappingNode)((YamlSequenceNode)At(container, "ports")!)[0];
        Assert.Equal(Data("METRICS_PORT"), ((YamlScalarNode)At(port, "containerPort")!).Value);
        var monitor = docs.Single(d => Kind(d) == "ServiceMonitor");
        Assert.Equal("/metrics", ((YamlScalarNode)At((YamlMappingNode)((YamlSequenceNode)At(monitor, "spec", "endpoints")!)[0], "path")!).Value);
        // The drain fits the grace period.
        var grace = int.Parse(((YamlScalarNode)At(docs.Single(d => Kind(d) == "Deployment"), "spec", "template", "spec", "terminationGracePeriodSeconds")!).Value!);
        var args = ((YamlSequenceNode)At(container, "args")!).Select(a => ((YamlScalarNode)a).Value!).ToList();
        Assert.True(int.Parse(args[args.IndexOf("--drain-timeout") + 1]) < grace);
    }

    [Fact]
    public void EveryFlagTheManifestsPassExists()
    {
        var worker = Documents("deploy/kubernetes/worker.yaml").Single(d => Kind(d) == "Deployment");
        var args = ((YamlSequenceNode)At((YamlMappingNode)((YamlSequenceNode)At(worker, "spec", "template", "spec", "containers")!)[0], "args")!).Select(a => ((YamlScalarNode)a).Value!);
        var server = Documents("deploy/kubernetes/server.yaml").Single(d => Kind(d) == "StatefulSet");
        var serverArgs = ((YamlSequenceNode)At((YamlMappingNode)((YamlSequenceNode)At(server, "spec", "template", "spec", "containers")!)[0], "args")!).Select(a => ((YamlScalarNode)a).Value!);
        var compose = File.ReadAllText(Path.Combine(Repo, "deploy/docker/docker-compose.yml"));
        var flags = args.Concat(serverArgs).Concat(Regex.Matches(compose, "\"(--[a-z-]+)\"").Select(m => m.Groups[1].Value)).Where(a => a.StartsWith("--", StringComparison.Ordinal)).Distinct().ToList();
        Assert.Contains("--metrics-port", flags);
        foreach (var f in flags) Assert.True(Source.Value.Contains($"\"{f}\""), $"flag {f} is used by a deployment file but no command defines it");
        // The Dockerfile's and compose file's settings too.
        var dockerfile = File.ReadAllText(Path.Combine(Repo, "deploy/docker/Dockerfile"));
        foreach (Match m in Regex.Matches(dockerfile, @"^\s*(?:ENV\s+)?([A-Z][A-Z0-9_]+)=", RegexOptions.Multiline))
            if (!m.Groups[1].Value.StartsWith("DOTNET_", StringComparison.Ordinal)) AssertCodeReads(m.Groups[1].Value);
        foreach (Match m in Regex.Matches(compose, @"^\s{6}([A-Z][A-Z0-9_]+):", RegexOptions.Multiline)) AssertCodeReads(m.Groups[1].Value);
        Assert.Contains("USER 10001", dockerfile);
        // One publish: the CLI's brings the embedded server into Server/ (its PublishEmbeddedServer target).
        var publishes = Regex.Matches(dockerfile, @"dotnet publish (\S+)").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(new[] { "src/Kubiya.Cli/Kubiya.Cli.csproj" }, publishes);
        var cli = File.ReadAllText(Path.Combine(Repo, "src/Kubiya.Cli/Kubiya.Cli.csproj"));
        Assert.Matches(@"<Target Name=""PublishEmbeddedServer"" AfterTargets=""Publish"">\s*<MSBuild Projects=""../Kubiya.Server/Kubiya.Server.csproj"" Targets=""Publish""", cli);
    }

    [Fact]
    public void InstallRendersTheManifestsForOneQueue()
    {
        var text = KubernetesManifests.Render("build.linux", 3, "ci", "registry.example/kubiya:1.2");
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        var docs = stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
        Assert.Equal(new[] { "Namespace", "Secret", "ConfigMap", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Service", "ServiceMonitor" }, docs.Select(Kind));
        Assert.All(docs.Skip(1), d => Assert.Equal("ci", ((YamlScalarNode)At(d, "metadata", "namespace")!).Value));
        Assert.Equal("ci", ((YamlScalarNode)At(docs[0], "metadata", "name")!).Value);
        Assert.Equal("build.linux", ((YamlScalarNode)At(docs[2], "data", "QUEUE_ID")!).Value);
        Assert.Equal("3", ((YamlScalarNode)At(docs[3], "spec", "replicas")!).Value);
        Assert.Equal("kubiya-worker-build-linux", ((YamlScalarNode)At(docs[3], "metadata", "name")!).Value);
        Assert.Contains("image: registry.example/kubiya:1.2", text);
        Assert.Contains("kubiya-server.ci.svc:7233", text);
        Assert.Equal("InvalidReplicas", Assert.Throws<Kubiya.Core.Errors.KubiyaException>(() => KubernetesManifests.Render("q", 0)).ErrorId);
        Assert.Equal("InvalidNamespace", Assert.Throws<Kubiya.Core.Errors.KubiyaException>(() => KubernetesManifests.Render("q", 1, "Not_Valid")).ErrorId);
    }

    [Fact]
    public async Task DockerTypeSaysClearlyWhenDockerIsMissing()
    {
        var ex = await Assert.ThrowsAsync<Kubiya.Core.Errors.KubiyaException>(() => DockerWorker.CheckAsync("docker-not-installed-here", CancellationToken.None));
        Assert.Equal("DockerUnavailable", ex.ErrorId);
        Assert.Contains("not installed", ex.Message);
    }
}
