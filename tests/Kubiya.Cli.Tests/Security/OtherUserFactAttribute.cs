using System.Diagnostics;

namespace Kubiya.Cli.Tests.Security;

/// <summary>
/// A fact that runs kubiya as another account (uid 65534, "nobody") through setpriv. Reported as
/// skipped, never passed, when the test host cannot switch users (not root, or no setpriv).
/// </summary>
public sealed class OtherUserFactAttribute : FactAttribute
{
    /// <summary>The other account's uid.</summary>
    public const int OtherUid = 65534;

    public OtherUserFactAttribute()
    {
        if (OperatingSystem.IsWindows()) Skip = "Switching users needs a Unix host.";
        else if (Environment.UserName != "root" && !IsRoot()) Skip = "Running a client as another uid needs root (setpriv); skipped here.";
        else if (!File.Exists("/usr/bin/setpriv") && !File.Exists("/bin/setpriv")) Skip = "setpriv is not installed; skipped.";
    }

    private static bool IsRoot()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("id", "-u") { RedirectStandardOutput = true })!;
            return p.StandardOutput.ReadToEnd().Trim() == "0";
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    }
}
