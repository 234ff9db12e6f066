using System;
using System.IO;
using System.Runtime.InteropServices;

namespace Kubiya.Core.Security
{
    /// <summary>
    /// Keeps the product's files private to the account that owns them (Unix: folders 0700, files
    /// 0600; Windows: <see cref="OwnerOnlyAcl"/>, full control for this account, SYSTEM and
    /// Administrators only, not inherited from the parent): the Kubiya home, worker folders, logs,
    /// the server token and database all hold commands, output or credentials. A folder kept
    /// elsewhere than the user profile (KUBIYA_HOME on a shared drive) would otherwise be readable by Users.
    /// </summary>
    public static class OwnerOnly
    {
        private const uint FolderMode = 0x1C0; // 0700
        private const uint OwnerFileMode = 0x180; // 0600

        private static bool IsUnix => !RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>Creates <paramref name="path"/> (and missing parents) and restricts it to its owner.</summary>
        public static string Folder(string path)
        {
            Directory.CreateDirectory(path);
            if (IsUnix) Chmod(path, FolderMode);
            else WindowsFileAcl.TryRestrict(path, folder: true);
            return path;
        }

        /// <summary>Restricts an existing file to its owner; a missing one is ignored.</summary>
        public static void File(string path)
        {
            if (!System.IO.File.Exists(path)) return;
            if (IsUnix) Chmod(path, OwnerFileMode);
            else WindowsFileAcl.TryRestrict(path, folder: false);
        }

        /// <summary>Writes <paramref name="text"/> to a new or existing owner-only file.</summary>
        public static void WriteAllText(string path, string text)
        {
            Touch(path);
            System.IO.File.WriteAllText(path, text);
        }

        /// <summary>Creates <paramref name="path"/> empty when missing, owner-only before anything is written to it.</summary>
        public static void Touch(string path)
        {
            if (!System.IO.File.Exists(path))
            {
                try
                {
                    using (new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete)) { }
                }
                catch (IOException) when (System.IO.File.Exists(path))
                {
                }
            }
            File(path);
        }

        private static void Chmod(string path, uint mode)
        {
            try
            {
                // Fails for files owned by someone else (e.g. root reading a user's home): leave those be.
                chmod(path, mode);
            }
            catch (DllNotFoundException) { }
            catch (EntryPointNotFoundException) { }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int chmod(string path, uint mode);

    }
}
