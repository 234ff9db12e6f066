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
        "Get-KubiyaAgent", "Get-KubiyaExecution", "Get-KubiyaExecutionLog", "Get-KubiyaMetric", "Get-KubiyaPlan", "Get-KubiyaSchedule", "Get-KubiyaWorker",
        "Invoke-KubiyaExec", "New-KubiyaPlan", "New-KubiyaSchedule", "Register-KubiyaWorkerTask", "Remove-KubiyaSchedule", "Resume-KubiyaSchedule",
        "Send-KubiyaExecutionInput", "Set-KubiyaSchedule", "Start-KubiyaSchedule", "Start-KubiyaWebUI", "Start-KubiyaWorker", "Stop-KubiyaExecution", "Stop-KubiyaWorker",
        "Suspend-KubiyaSchedule", "Unregister-KubiyaWorkerTask", "Wait-KubiyaExecution",
    };

    [Fact]
    public void ModuleExportsExactlyTheCmdlets()
    {
        using var s = fx.NewSession();
        var r = s.Run("Get-Command -Module Kubiya | ForEach-Object Name").Ok();
        Assert.Equal(Cmdlets, r.Output.Select(o => o.ToString()).OrderBy(n => n, StringComparer.Ordinal));
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
        // Listing executions connects to the server, so Temporalio loads whatever ran before.
        s.Run("Get-KubiyaAgent | Out-Null; Get-KubiyaExecution | Out-Null").Ok();
        var core = AppDomain.CurrentDomain.GetAssemblies().Single(a => a.GetName().Name == "Kubiya.Core");
        var context = AssemblyLoadContext.GetLoadContext(core)!;
        Assert.NotSame(AssemblyLoadContext.Default, context);
        Assert.StartsWith(Path.Combine(RepoPaths.ModuleDir, "Dependencies"), core.Location);
        // The test host has its own Temporalio in the default context; the module's is a separate copy.
        var temporalio = AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name == "Temporalio").ToList();
        Assert.Contains(temporalio, a => AssemblyLoadContext.GetLoadContext(a) == context);
        var yaml = AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name == "YamlDotNet").ToList();
        Assert.All(yaml, a => Assert.Same(context, AssemblyLoadContext.GetLoadContext(a)));
    }

    [Fact]
    public void FormatFileHasDefaultViewsForTheOutputTypes()
    {
        using var s = fx.NewSession();
        // Format-Table is not in this engine-only host; check that each view targets the real type name.
        var r = s.Run("""
            $e = Invoke-KubiyaExec -Agent shell 'echo table' -Local
            $e.GetType().FullName
            (Get-KubiyaExecutionLog -Id $e.Id | ForEach-Object { $_.GetType().FullName })[0]
            (Get-KubiyaAgent -Name shell).GetType().FullName
            (Get-Module Kubiya).ExportedFormatFiles[0]
            """).Ok();
        var format = System.Xml.Linq.XDocument.Load(r.Output[3].ToString());
        var selected = format.Descendants("TypeName").Select(t => t.Value).ToList();
        Assert.Contains(r.Output[0].ToString(), selected);
        Assert.Contains(r.Output[1].ToString(), selected);
        Assert.Contains(r.Output[2].ToString(), selected);
        Assert.Contains("Kubiya.Core.Workers.WorkerInfo", selected);
        var columns = format.Descendants("View").First(v => v.Element("Name")!.Value == "KubiyaExecution").Descendants("Label").Select(l => l.Value);
        Assert.Equal(new[] { "Id", "Status", "Agent", "Created", "Duration", "Prompt" }, columns);
    }
}
