namespace Kubiya.Tests.PowerShell;
[Collection(ModuleCollection.Name)]
public sealed class ScratchHelp(ModuleFixture fx)
{
    [Fact]
    public void Scratch()
    {
        using var s = fx.NewSession();
        var r = s.Run(@"
$common = [System.Management.Automation.Cmdlet]::CommonParameters
foreach ($c in Get-Command -Module Kubiya) {
  ""=== $($c.Name) default=$($c.DefaultParameterSet)""
  foreach ($ps in $c.ParameterSets) {
    ""  set $($ps.Name)""
    foreach ($p in $ps.Parameters) { if ($common -contains $p.Name) { continue }
      ""    -$($p.Name) type=$($p.ParameterType.Name) mand=$($p.IsMandatory) pos=$($p.Position) vfp=$($p.ValueFromPipeline) vfpbpn=$($p.ValueFromPipelineByPropertyName) aliases=$($p.Aliases -join ',')""
    }
  }
}");
        File.WriteAllText("/tmp/cmdlets.txt", string.Join("\n", r.Output.Select(o => o?.ToString())) + r.ErrorText);
    }
}
