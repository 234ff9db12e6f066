using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using Kubiya.Tests.Infrastructure;

namespace Kubiya.Tests.PowerShell;

/// <summary>config.yaml &lt; environment &lt; parameters, bad configuration, and the embedded server started on demand.</summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "PowerShell")]
public sealed class ConfigurationTests(ModuleFixture fx)
{
    private void WithConfig(string yaml, Action body)
    {
        var path = Path.Combine(fx.Home, "config.yaml");
        File.WriteAllText(path, yaml);
        try { body(); }
        finally { File.Delete(path); }
    }

    [Fact]
    public void QueueFromConfigFileIsUsedAndEnvironmentOverridesIt()
    {
        using var s = fx.NewSession();
        var fileQueue = ModuleFixture.Unique("file");
        var envQueue = ModuleFixture.Unique("env");
        WithConfig($"queue: {fileQueue}\nenvironment: from-file\n", () =>
        {
            var r = s.Run($$"""
                $a = Invoke-KubiyaExec -Agent shell 'echo x' -NoWait -WarningAction SilentlyContinue
                $env:QUEUE_ID = '{{envQueue}}'
                try { $b = Invoke-KubiyaExec -Agent shell 'echo x' -NoWait -WarningAction SilentlyContinue } finally { $env:QUEUE_ID = $null }
                $c = Invoke-KubiyaExec -Agent shell 'echo x' -NoWait -Queue param-q -Environment from-param -WarningAction SilentlyContinue
                $a.Queue; $b.Queue; $c.Queue; $a.Environment; $c.Environment
                """).Ok();
            Assert.Equal(new[] { fileQueue, envQueue, "param-q", "from-file", "from-param" }, r.Output.Select(o => o.ToString()));
        });
    }

    [Fact]
    public void InvalidConfigFileIsReportedWithFileAndLine()
    {
        using var s = fx.NewSession();
        WithConfig("queue: q\nheartbeatInterval: [1, 2]\n", () =>
        {
            var r = s.Run("Get-KubiyaExecution -Id exec-x");
            var err = Assert.Single(r.Errors);
            Assert.StartsWith("InvalidConfiguration,", err.FullyQualifiedErrorId);
            Assert.Contains("config.yaml:2:", err.Exception.Message);
        });
    }

    [Fact]
    public void EmbeddedServerStartsOnDemandWhenNoAddressIsConfigured()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var home = Path.Combine(Path.GetTempPath(), "kubiya-home-" + Guid.NewGuid().ToString("N"));
        using var s = fx.NewSession();
        try
        {
            var r = s.Run($$"""
                $saved = $env:KUBIYA_TEMPORAL_ADDRESS, $env:KUBIYA_HOME
                $env:KUBIYA_TEMPORAL_ADDRESS = $null; $env:KUBIYA_HOME = '{{home}}'; $env:KUBIYA_SERVER_PORT = '{{port}}'
                try { Invoke-KubiyaExec -Agent shell 'echo embedded' -Local -Yes }
                finally { $env:KUBIYA_TEMPORAL_ADDRESS, $env:KUBIYA_HOME = $saved; $env:KUBIYA_SERVER_PORT = $null }
                """, TimeSpan.FromSeconds(120)).Ok();
            Assert.Equal("embedded", r.Prop<string>("Output").Trim());
            Assert.True(File.Exists(Path.Combine(home, "server", "kubiya.db")), "the embedded server keeps its data under KUBIYA_HOME/server");
        }
        finally
        {
            var pidFile = Path.Combine(home, "server", "server.pid");
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
            {
                try { System.Diagnostics.Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
            }
        }
    }
}
