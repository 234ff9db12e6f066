namespace Kubiya.Tests.Security;

/// <summary>A fact that runs a process as another account (uid 65534) through setpriv; skipped, never passed, where the host cannot.</summary>
public sealed class OtherUserFactAttribute : FactAttribute
{
    /// <summary>The other account's uid.</summary>
    public const int OtherUid = 65534;

    public OtherUserFactAttribute()
    {
        if (!RootFactAttribute.IsRoot) Skip = "Running as another uid needs root (setpriv); skipped here.";
        else if (!File.Exists("/usr/bin/setpriv") && !File.Exists("/bin/setpriv")) Skip = "setpriv is not installed; skipped.";
    }
}

/// <summary>A fact that mounts a small or read-only file system (root, mount allowed); skipped, never passed, otherwise.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> CanMount = new(ProbeMount);

    public RootFactAttribute()
    {
        if (!IsRoot) Skip = "Needs root to mount a test file system; skipped here.";
        else if (!CanMount.Value) Skip = "This host does not allow mounting a tmpfs; skipped.";
    }

    private static bool ProbeMount()
    {
        var dir = Directory.CreateTempSubdirectory("kubiya-mount-probe-").FullName;
        try
        {
            using var mount = System.Diagnostics.Process.Start("mount", new[] { "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir })!;
            mount.WaitForExit();
            if (mount.ExitCode != 0) return false;
            using var umount = System.Diagnostics.Process.Start("umount", new[] { dir })!;
            umount.WaitForExit();
            return true;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
        finally { try { Directory.Delete(dir); } catch (IOException) { } }
    }

    /// <summary>True when the tests run as root on Unix.</summary>
    public static bool IsRoot => !OperatingSystem.IsWindows() && Environment.UserName == "root";
}
