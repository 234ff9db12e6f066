using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Kubiya.Core.Security;

namespace Kubiya.Core.Tests.Security;

/// <summary>
/// Owner-only files: the Windows ACL Kubiya applies (checked here as SDDL), and the Unix modes of
/// the same calls on this machine. Applying the ACL needs Windows and is not exercised here.
/// </summary>
[Trait("Category", "Security")]
public sealed class OwnerOnlyAclTests : IDisposable
{
    private const string User = "S-1-5-21-1004336348-1177238915-682003330-1001";
    private readonly string dir = Path.Combine(Path.GetTempPath(), "kubiya-acl-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose()
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TheAclGrantsFullControlToTheUserSystemAndAdministratorsOnlyAndInheritsNothing(bool folder)
    {
        // .NET's security descriptor classes are Windows-only, so the SDDL is read here by its grammar:
        // "D:" DACL, flags ("P" protected = inherits nothing), then (type;flags;rights;;;trustee) entries.
        var sddl = OwnerOnlyAcl.Sddl(User, folder);
        var m = Regex.Match(sddl, @"^D:(?<flags>[A-Z]*)(?<aces>(\([^)]*\))+)$");
        Assert.True(m.Success, sddl);
        Assert.Equal("P", m.Groups["flags"].Value);
        var aces = Regex.Matches(m.Groups["aces"].Value, @"\(([^)]*)\)").Select(x => x.Groups[1].Value.Split(';')).ToList();
        Assert.All(aces, f => Assert.Equal(6, f.Length));
        // Allowed, full control (FA), for exactly this user, SYSTEM and Administrators; nobody else (no WD, BU, AU).
        Assert.All(aces, f => Assert.Equal("A", f[0]));
        Assert.All(aces, f => Assert.Equal("FA", f[2]));
        Assert.Equal(new[] { User, "SY", "BA" }, aces.Select(f => f[5]));
        // A folder hands its entries to the files and folders created in it later; a file has none to hand on.
        Assert.All(aces, f => Assert.Equal(folder ? "OICI" : "", f[1]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("WD")]
    [InlineData("S-1-5-21-x")]
    [InlineData("S-1-1-0)(A;;FA;;;WD")]
    public void ATrusteeThatIsNotASidIsRefused(string sid)
    {
        var ex = Assert.Throws<ArgumentException>(() => OwnerOnlyAcl.Sddl(sid, folder: false));
        Assert.Contains("not a security identifier", ex.Message);
    }

    [UnixFact]
    public void OnUnixTheSameCallsSetModes0700And0600()
    {
        var folder = OwnerOnly.Folder(Path.Combine(dir, "home"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        var file = Path.Combine(folder, "token");
        File.WriteAllText(file, "x");
        File.SetUnixFileMode(file, (UnixFileMode)0x1B6); // 0666
        OwnerOnly.File(file);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }
}

/// <summary>A fact about Unix file modes: reported as skipped on Windows, where the ACL applies instead.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) Skip = "Unix file modes; Windows gets the owner-only ACL instead.";
    }
}
