using System.Runtime.InteropServices;
using Kubiya.Core.Security;

namespace Kubiya.Server.Security;

/// <summary>
/// Keeps the server's files readable by their owner only (0700 folders, 0600 files on Unix; on
/// Windows full control for this account, SYSTEM and Administrators, not inherited: <see cref="OwnerOnlyAcl"/>):
/// the database holds every execution's input and output, the token lets its holder run commands.
/// </summary>
public static class OwnerOnly
{
    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Makes every file and folder this process creates from now on owner-only (umask 077), so
    /// SQLite's journal, WAL and shared-memory files follow the database. Windows has no umask: the
    /// database's folder gets the owner-only ACL, which what is created inside it inherits.
    /// </summary>
    public static void RestrictNewFiles(string databaseFolder)
    {
        if (OperatingSystem.IsWindows())
        {
            Folder(databaseFolder);
            return;
        }
        try { umask(0x3F); } catch (DllNotFoundException) { } catch (EntryPointNotFoundException) { }
    }

    [DllImport("libc", EntryPoint = "umask")]
    private static extern uint umask(uint mask);

    /// <summary>Creates <paramref name="path"/> when missing and restricts it to its owner.</summary>
    public static void Folder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            WindowsFileAcl.TryRestrict(path, folder: true);
            return;
        }
        if (!Directory.Exists(path)) Directory.CreateDirectory(path, FolderMode);
        else TrySet(path, FolderMode);
    }

    /// <summary>Restricts an existing file to its owner; a missing file is ignored.</summary>
    public static void File(string path)
    {
        if (!System.IO.File.Exists(path)) return;
        if (OperatingSystem.IsWindows()) WindowsFileAcl.TryRestrict(path, folder: false);
        else TrySet(path, FileMode);
    }

    /// <summary>Creates an empty owner-only file unless it exists (so SQLite, which copies the mode, inherits it).</summary>
    public static void Precreate(string path)
    {
        if (OperatingSystem.IsWindows() || System.IO.File.Exists(path)) return;
        try
        {
            using var _ = new FileStream(path, new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = FileMode });
        }
        catch (IOException) when (System.IO.File.Exists(path))
        {
            // Created meanwhile; restricted below by the caller.
        }
    }

    private static void TrySet(string path, UnixFileMode mode)
    {
        try
        {
            if ((System.IO.File.GetUnixFileMode(path) & ~mode) != 0) System.IO.File.SetUnixFileMode(path, mode);
        }
        catch (UnauthorizedAccessException)
        {
            // Not ours to change (e.g. a shared folder); the files inside are still restricted.
        }
        catch (IOException)
        {
        }
    }
}
