using System.Diagnostics;
using Kubiya.Tests.Infrastructure;

namespace Kubiya.Tests.PowerShell;

/// <summary>
/// The default execution table, rendered by a real pwsh (Format-Table is not in the engine-only
/// test host): it reads at 80 columns (CI logs, redirected output) and gives the prompt the room of
/// a wider console; -View Wide adds the queue and full dates.
/// </summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "PowerShell")]
public sealed class FormatViewTests(ModuleFixture fx)
{
    [Fact]
    public async Task TheExecutionTableFitsEightyColumnsAndWidensToOneHundredTwenty()
    {
        using var s = fx.NewSession();
        var script = $"Import-Module '{RepoPaths.ModuleDir}'; " +
                     "$e = Invoke-KubiyaExec -Agent shell 'echo the-prompt-starts-here and goes on for quite a while to need the room of a wide console' -Local 6>$null; " +
                     "'ID=' + $e.Id; 'CREATED=' + $e.CreatedAt.ToString('MM-dd HH:mm'); '<80>'; $e | Format-Table | Out-String -Width 80; '<120>'; $e | Format-Table | Out-String -Width 120; '<wide>'; $e | Format-Table -View Wide | Out-String -Width 120; '<end>'";
        using var pwsh = Process.Start(RealPwsh.StartInfo(s.WorkingDirectory, "-NoLogo", "-NoProfile", "-NonInteractive", "-OutputFormat", "Text", "-Command", script))!;
        var text = await pwsh.StandardOutput.ReadToEndAsync();
        await pwsh.WaitForExitAsync();
        Assert.True(pwsh.ExitCode == 0, text + await pwsh.StandardError.ReadToEndAsync());
        var lines = text.Replace("\r", "").Split('\n');
        string Value(string key) => lines.Single(l => l.StartsWith(key)).Substring(key.Length).Trim();
        List<string> Between(string a, string b) => lines.SkipWhile(l => l != a).Skip(1).TakeWhile(l => l != b).Where(l => l.Trim().Length > 0).Select(Plain).ToList();
        var id = Value("ID=");
        var created = Value("CREATED=");
        var narrow = Between("<80>", "<120>");
        var wide = Between("<120>", "<wide>");
        var wideView = Between("<wide>", "<end>");

        Assert.All(narrow, l => Assert.True(l.TrimEnd().Length <= 80, $"wider than 80: '{l}'"));
        var row = Assert.Single(narrow, l => l.Contains(id));
        Assert.Contains("Completed", row);
        Assert.Contains(created, row);
        Assert.Matches(@"\d+(\.\d)?s", row);
        Assert.Contains("echo", row);
        Assert.Contains("Duration", narrow[0]);
        Assert.Contains("Prompt", narrow[0]);
        Assert.Contains(wide, l => l.Contains("echo the-prompt-starts-here and goes on"));
        Assert.Contains("Queue", wideView[0]);
    }

    // Table headers carry ANSI colour sequences in pwsh 7.
    private static string Plain(string s) => System.Text.RegularExpressions.Regex.Replace(s, "\u001b\\[[0-9;]*m", "");
}
