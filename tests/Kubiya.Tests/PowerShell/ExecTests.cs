using System.Management.Automation;

namespace Kubiya.Tests.PowerShell;

[Collection(ModuleCollection.Name)]
[Trait("Category", "PowerShell")]
public sealed class ExecTests(ModuleFixture fx)
{
    [Fact]
    public void LocalShellExecutionCompletesAndReturnsTheExecution()
    {
        using var s = fx.NewSession();
        var r = s.Run("Invoke-KubiyaExec -Agent shell 'echo hi' -Local -Yes").Ok();
        Assert.Equal("Completed", r.Prop<string>("Status"));
        Assert.Equal("hi", r.Prop<string>("Output").Trim());
        Assert.Equal("shell", r.Prop<string>("Agent"));
        Assert.StartsWith("local-", r.Prop<string>("Queue"));
        Assert.False(string.IsNullOrEmpty(r.Prop<string>("Worker")));
        Assert.Contains(r.Information, i => i.MessageData.ToString() == "hi" && i.Tags.Contains("Output"));
    }
}
