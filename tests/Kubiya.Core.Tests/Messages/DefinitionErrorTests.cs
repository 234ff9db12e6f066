using Kubiya.Core.Agents;
using Kubiya.Core.Configuration;
using Kubiya.Core.Connection;
using Kubiya.Core.Errors;

namespace Kubiya.Core.Tests.Messages;

/// <summary>Errors in the user's files and connections name the place, the key and the way out, in the user's terms.</summary>
public sealed class DefinitionErrorTests : IDisposable
{
    private readonly string home = Directory.CreateTempSubdirectory("kubiya-msg-").FullName;

    public void Dispose() => Directory.Delete(home, true);

    private KubiyaException LoadConfig(string yaml)
    {
        File.WriteAllText(Path.Combine(home, "config.yaml"), yaml);
        return Assert.Throws<KubiyaException>(() => SettingsLoader.Load(new KubiyaPaths(home), _ => null));
    }

    [Fact]
    public void AMistypedConfigKeyNamesTheFileLineKeyClosestAndKnownKeys()
    {
        var ex = LoadConfig("logLevel: info\nqueu: build\n");
        Assert.Equal("InvalidConfiguration", ex.ErrorId);
        Assert.Contains(Path.Combine(home, "config.yaml") + ":2:1: unknown key 'queu' (did you mean 'queue'?)", ex.Message);
        Assert.Matches("known keys: .*temporal.*apiKey.*queue", ex.Message);
        Assert.DoesNotContain("Kubiya.Core", ex.Message);
        Assert.DoesNotContain("type", ex.Message);
    }

    [Fact]
    public void AMistypedKeyInASectionSaysWhichSection()
    {
        var ex = LoadConfig("temporal:\n  adress: 127.0.0.1:7233\n");
        Assert.Contains("config.yaml:2:3: unknown key 'adress' in 'temporal' (did you mean 'address'?)", ex.Message);
        Assert.Contains("namespace", ex.Message);
    }

    [Fact]
    public void AKeyLikeNothingKnownGetsNoGuess()
    {
        var ex = LoadConfig("frobnicate: 1\n");
        Assert.Contains("unknown key 'frobnicate'; known keys:", ex.Message);
    }

    [Fact]
    public void AnAgentFileReportsEveryProblemEachWithItsPosition()
    {
        const string yaml = "name: broken\ndescripton: typo\nsteps:\n  - name: a\n  - shell: echo b\n    timeout: soon\n  - shell: echo c\n    retries: 1000\n";
        var ex = Assert.Throws<KubiyaException>(() => AgentYamlReader.Read(yaml, "broken.yaml"));
        Assert.Equal("InvalidAgentDefinition", ex.ErrorId);
        var lines = ex.Message.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal(4, lines.Count);
        Assert.Contains(lines, l => l.StartsWith("broken.yaml:2:1: descripton: unknown field (did you mean 'description'?)"));
        Assert.Contains(lines, l => l.StartsWith("broken.yaml:4:5: steps[0]: needs one of"));
        Assert.Contains(lines, l => l.StartsWith("broken.yaml:6:14: steps[1].timeout:"));
        Assert.Contains(lines, l => l.StartsWith("broken.yaml:8:14: steps[2].retries:"));
    }

    [Fact]
    public void ATeamFileReportsEveryProblemToo()
    {
        const string yaml = "name: crew\nkind: team\nagents: [a]\nmode: solo\nsteps: [x]\n";
        var ex = Assert.Throws<KubiyaException>(() => AgentYamlReader.Read(yaml, "crew.yaml"));
        Assert.Contains("crew.yaml:5:8: steps: a team has agents, not steps", ex.Message);
        Assert.Contains("crew.yaml:4:7: mode:", ex.Message);
    }

    [Theory]
    [InlineData("Connection failed: Server connection error: tonic::transport::Error(Transport, ConnectError(ConnectError(\"tcp connect error\", 127.0.0.1:1, Os { code: 111, kind: ConnectionRefused, message: \"Connection refused\" })))", "connection refused")]
    [InlineData("Connection failed: Server connection error: tonic::transport::Error(Transport, ConnectError(ConnectError(\"dns error\", Custom { kind: Uncategorized, error: \"failed to lookup address information: Name or service not known\" })))", "does not resolve")]
    [InlineData("Connection failed: `get_system_info` call error after connection: Status { code: Unimplemented, message: \"grpc-status header missing, mapped from HTTP status code 404\" }", "not a Temporal frontend")]
    [InlineData("Connection failed: Server connection error: tonic::transport::Error(Transport, hyper::Error(Connect, Custom { kind: InvalidData, error: InvalidCertificate(UnknownIssuer) }))", "TLS handshake failed")]
    [InlineData("Connection failed: Server connection error: tonic::transport::Error(Transport, TimedOut)", "timed out")]
    public void TransportErrorsBecomeAReadableReason(string raw, string expected)
    {
        var reason = TransportReason.Describe(raw);
        Assert.Contains(expected, reason);
        Assert.DoesNotContain("tonic", reason);
        Assert.DoesNotContain("{", reason);
    }
}
