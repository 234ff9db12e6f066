using System.Runtime.Loader;
using Kubiya.Tests.Infrastructure;

namespace Kubiya.Tests.PowerShell;

/// <summary>The built module folder: layout, exports, isolated dependencies, formatting.</summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "PowerShell")]
public sealed class ModuleTests(ModuleFixture fx)
{
    private static readonly string[] Cmdlets =
    {
        "Get-KubiyaAgent", "Get-KubiyaExecution", "Get-KubiyaExecutionLog", "Get-KubiyaWorker", "Invoke-KubiyaExec",
        "Send-KubiyaExecutionInput", "Start-KubiyaWorker", "Stop-KubiyaExecution", "Stop-KubiyaWorker", "Wait-KubiyaExecution",
    };

    [Fact]
    public void ModuleExportsExactlyTheCmdlets()
    {
        using var s = fx.NewSession();
        var r = s.Run("Get-Command -Module Kubiya | Sort-Object Name | ForEach-Object Name").Ok();
        Assert.Equal(Cmdlets, r.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void ManifestDeclaresBothEditionsAndTheFormatFile()
    {
        using var s = fx.NewSession();
        var r = s.Run("$m = Get-Module Kubiya; $m.CompatiblePSEditions -join ','; $m.ExportedFormatFiles.Count; $m.Version.ToString()").Ok();
        Assert.Equal("Desktop,Core", r.Output[0].ToString());
        Assert.Equal(1, (int)r.Output[1].BaseObject);
        Assert.Equal("0.1.0", r.Output[2].ToString());
    }

    [Fact]
    public void FolderKeepsThirdPartyAssembliesUnderDependenciesAndTheServerApart()
    {
        var root = RepoPaths.ModuleDir;
        Assert.True(File.Exists(Path.Combine(root, "Kubiya.dll")));
        Assert.True(File.Exists(Path.Combine(root, "Kubiya.psd1")));
        Assert.True(File.Exists(Path.Combine(root, "Kubiya.format.ps1xml")));
        Assert.Empty(Directory.GetFiles(root, "*.dll").Select(Path.GetFileName).Where(f => f != "Kubiya.dll"));
        foreach (var dep in new[] { "Kubiya.Core.dll", "Temporalio.dll", "Google.Protobuf.dll", "YamlDotNet.dll", "Microsoft.Extensions.Logging.dll" })
            Assert.True(File.Exists(Path.Combine(root, "Dependencies", dep)), dep);
        Assert.True(File.Exists(Path.Combine(root, "Dependencies", "runtimes", "linux-x64", "native", "libtemporalio_sdk_core_c_bridge.so")));
        Assert.True(File.Exists(Path.Combine(root, "Server", "Kubiya.Server.dll")));
    }

    [Fact]
    public void DependenciesLoadInTheirOwnContext()
    {
        using var s = fx.NewSession();
        s.Run("Get-KubiyaAgent | Out-Null").Ok();
        var core = AppDomain.CurrentDomain.GetAssemblies().Single(a => a.GetName().Name == "Kubiya.Core");
        var context = AssemblyLoadContext.GetLoadContext(core)!;
        Assert.NotSame(AssemblyLoadContext.Default, context);
        Assert.StartsWith(Path.Combine(RepoPaths.ModuleDir, "Dependencies"), core.Location);
        // The test host has its own Temporalio in the default context; the module's is a separate copy.
        var temporalios = AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name == "YamlDotNet").ToList();
        Assert.All(temporalios, a => Assert.Same(context, AssemblyLoadContext.GetLoadContext(a)));
    }

    [Fact]
    public void DefaultTableViewShowsTheExecutionColumns()
    {
        using var s = fx.NewSession();
        var r = s.Run("Invoke-KubiyaExec -Agent shell 'echo table' -Local | Out-String -Width 200").Ok();
        var text = r.Single().ToString();
        foreach (var column in new[] { "Id", "Status", "Agent", "Queue", "Created", "Duration", "Prompt" }) Assert.Contains(column, text);
        Assert.Contains("Completed", text);
        Assert.DoesNotContain("WorkingDirectory", text);
    }
}
