using System.Management.Automation;

namespace Kubiya.Tests.PowerShell;

/// <summary>Get-KubiyaMetric in a real runspace: typed rows, grouping, a bad window.</summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "Observability")]
public sealed class MetricCmdletTests(ModuleFixture fx)
{
    [Fact]
    public void MetricRowsAreTypedAndGrouped()
    {
        using var s = fx.NewSession();
        s.Run("$since = [DateTime]::Now.AddSeconds(-1)").Ok();
        s.Run("Invoke-KubiyaExec -Agent shell 'echo measured' -Local -Yes | Out-Null").Ok();
        s.Run("try { Invoke-KubiyaExec -Agent shell 'exit 4' -Local -Yes -ErrorAction Stop | Out-Null } catch { }").Ok();

        var one = s.Run("Get-KubiyaMetric -Since $since").Ok().Single();
        Assert.Equal("Kubiya.Core.Analytics.ExecutionMetric", one.BaseObject.GetType().FullName);
        Assert.True((long)one.Properties["Completed"].Value >= 1);
        Assert.True((long)one.Properties["Failed"].Value >= 1);
        Assert.True((bool)one.Properties["ServerCounted"].Value);
        Assert.IsType<TimeSpan>(one.Properties["DurationP95"].Value);

        var byStatus = s.Run("Get-KubiyaMetric -Since $since -By Status | ForEach-Object { $_.Key + '=' + $_.Total }").Ok().Output.Select(o => o.ToString()).ToList();
        Assert.Contains(byStatus, k => k.StartsWith("Completed=", StringComparison.Ordinal));
        Assert.Contains(byStatus, k => k.StartsWith("Failed=", StringComparison.Ordinal));
        // The 80-column table is checked in a real pwsh (tests/Pester/Metrics.Tests.ps1).
    }

    [Fact]
    public void AnEmptyWindowIsASpecificError()
    {
        using var s = fx.NewSession();
        var r = s.Run("Get-KubiyaMetric -Since ([DateTime]::Now) -Until ([DateTime]::Now.AddHours(-1))");
        var e = Assert.Single(r.Errors);
        Assert.StartsWith("InvalidStatsWindow", e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category);
    }
}
