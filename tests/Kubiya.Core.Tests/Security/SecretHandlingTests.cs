using Kubiya.Core.Agents;
using Kubiya.Core.Configuration;
using Kubiya.Core.Errors;
using Kubiya.Core.Secrets;

namespace Kubiya.Core.Tests.Security;

/// <summary>Secrets in agent files and configuration: warnings for literals, masking, the withheld list, bounded config files.</summary>
[Trait("Category", "Security")]
public sealed class SecretHandlingTests : IDisposable
{
    private readonly string home = Directory.CreateTempSubdirectory("kubiya-secrets-").FullName;

    [Fact]
    public void ALiteralValueUnderASecretLookingNameWarnsWithFileLineAndTheReferenceForm()
    {
        var path = Path.Combine(home, "db.yaml");
        File.WriteAllText(path, """
            name: db
            env:
              DB_PASSWORD: hunter22
              REGION: eu-west-1
            steps:
              - shell: migrate
                env:
                  GITHUB_TOKEN: ghp_literal
                  CLIENT_SECRET: ${env:CLIENT_SECRET}
                  DEPLOY_KEY: os.environ/DEPLOY_KEY
                  SIGNING_KEY: abc123
            """.Replace("\r\n", "\n"));
        var agent = AgentYamlReader.ReadFile(path);
        Assert.Equal(3, agent.Warnings.Count);
        Assert.Contains(agent.Warnings, w => w.StartsWith($"{path}:3:3: env.DB_PASSWORD", StringComparison.Ordinal) && w.Contains("DB_PASSWORD: ${env:DB_PASSWORD}"));
        Assert.Contains(agent.Warnings, w => w.StartsWith($"{path}:8:7: steps[0].env.GITHUB_TOKEN", StringComparison.Ordinal));
        Assert.Contains(agent.Warnings, w => w.Contains("SIGNING_KEY") && w.Contains(":11:"));
        Assert.DoesNotContain(agent.Warnings, w => w.Contains("hunter22") || w.Contains("ghp_literal"));
        Assert.DoesNotContain(agent.Warnings, w => w.Contains("REGION") || w.Contains("CLIENT_SECRET") || w.Contains("DEPLOY_KEY"));
    }

    [Theory]
    [InlineData("DB_PASSWORD", true)]
    [InlineData("github_token", true)]
    [InlineData("CLIENT_SECRET", true)]
    [InlineData("AWS_ACCESS_KEY", true)]
    [InlineData("KEYBOARD", false)]
    [InlineData("REGION", false)]
    public void SecretLookingNames(string name, bool secret) => Assert.Equal(secret, SecretReference.IsSecretName(name));

    [Fact]
    public void ResolvedSecretValuesAreMaskedInOutput()
    {
        var declared = new Dictionary<string, string> { ["DB_PASSWORD"] = "${env:PW}", ["URL"] = "https://${env:HOST}/x", ["MODE"] = "fast", ["API_KEY"] = "literal-key-1" };
        Func<string, string?> lookup = n => n == "PW" ? "s3cr3t-pw" : n == "HOST" ? "db.internal" : null;
        var resolved = SecretReference.ResolveAll(declared, lookup);
        var masker = SecretMasker.ForStep(declared, resolved, lookup);
        Assert.Equal("connect https://***/x with *** and ***, mode fast",
            masker.Apply("connect https://db.internal/x with s3cr3t-pw and literal-key-1, mode fast"));
    }

    [Fact]
    public void TheWithheldVariablesIncludeKeysThatModelsYamlAndConfigRefer()
    {
        File.WriteAllText(Path.Combine(home, "models.yaml"), "model_list:\n  - model_name: fast\n    litellm_params:\n      api_key: os.environ/MY_PROVIDER_KEY\n      api_base: ${env:MY_BASE_URL}\n");
        File.WriteAllText(Path.Combine(home, "config.yaml"), "apiKey: ${env:CORP_KUBIYA_KEY}\n");
        var names = ProductSecrets.EnvironmentNames(new KubiyaPaths(home));
        foreach (var n in new[] { "KUBIYA_API_KEY", "OPENAI_API_KEY", "MY_PROVIDER_KEY", "MY_BASE_URL", "CORP_KUBIYA_KEY" }) Assert.Contains(n, names);
        Assert.DoesNotContain("PATH", names);
    }

    [Fact]
    public void ADeeplyNestedConfigFileIsRefusedWithTheLimitAndNoTypeNames()
    {
        File.WriteAllText(Path.Combine(home, "config.yaml"), "temporal: " + string.Concat(Enumerable.Repeat("{a: ", 100_000)) + "\n");
        var ex = Assert.Throws<KubiyaException>(() => SettingsLoader.Load(new KubiyaPaths(home), _ => null));
        Assert.Equal("InvalidConfiguration", ex.ErrorId);
        Assert.Contains("levels", ex.Message);
        Assert.Contains("config.yaml:1:", ex.Message);
    }

    [Theory]
    [InlineData("maxConcurrentActivities: lots\n")]
    [InlineData("queue: [a, b]\n")]
    [InlineData("temporal: 5\n")]
    [InlineData("debug: maybe\n")]
    [InlineData("server: {port: x}\n")]
    public void ConfigErrorsNameThePositionWithoutDotNetTypeNames(string yaml)
    {
        File.WriteAllText(Path.Combine(home, "config.yaml"), yaml);
        var ex = Assert.Throws<KubiyaException>(() => SettingsLoader.Load(new KubiyaPaths(home), _ => null));
        Assert.Equal("InvalidConfiguration", ex.ErrorId);
        Assert.Matches(@"config\.yaml:\d+:\d+: ", ex.Message);
        Assert.DoesNotContain("System.", ex.Message);
        Assert.DoesNotContain("Kubiya.Core", ex.Message);
        Assert.DoesNotContain("Exception", ex.Message);
    }

    [Fact]
    public void TheConfigFileIsMadeOwnerOnlyWhenRead()
    {
        var path = Path.Combine(home, "config.yaml");
        File.WriteAllText(path, "queue: q\n");
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);
        SettingsLoader.Load(new KubiyaPaths(home), _ => null);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    public void Dispose()
    {
        try { Directory.Delete(home, true); } catch (IOException) { }
    }
}
