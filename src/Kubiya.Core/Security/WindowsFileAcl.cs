using System;
using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Kubiya.Core.Security
{
    /// <summary>
    /// Applies <see cref="OwnerOnlyAcl"/> to a file or folder on Windows through advapi32, so the
    /// same code runs in Windows PowerShell 5.1 and PowerShell 7 without an extra assembly beside
    /// the module. Best effort, as chmod is on Unix: a path this account may not change is left alone.
    /// </summary>
    public static class WindowsFileAcl
    {
        private const int SeFileObject = 1;
        private const uint DaclSecurityInformation = 0x4;
        private const uint ProtectedDaclSecurityInformation = 0x80000000;
        private const uint TokenQuery = 0x8;
        private const int TokenUserClass = 1;
        private static readonly Lazy<string?> CurrentUser = new Lazy<string?>(() =>
        {
            try { return ReadCurrentUserSid(); }
            catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException || ex is Win32Exception) { return null; }
        });

        /// <summary>The SID of the account this process runs as (null when it cannot be read).</summary>
        public static string? CurrentUserSid => CurrentUser.Value;

        /// <summary>Restricts <paramref name="path"/> to this account, SYSTEM and Administrators; false when that failed.</summary>
        public static bool TryRestrict(string path, bool folder)
        {
            var sid = CurrentUserSid;
            if (sid == null) return false;
            try
            {
                return Apply(path, OwnerOnlyAcl.Sddl(sid, folder));
            }
            catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
            {
                return false;
            }
        }

        private static bool Apply(string path, string sddl)
        {
            if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, 1, out var sd, IntPtr.Zero)) return false;
            try
            {
                if (!GetSecurityDescriptorDacl(sd, out var present, out var dacl, out _) || !present) return false;
                // Also re-applies the inheritable entries to what the folder already holds.
                return SetNamedSecurityInfoW(path, SeFileObject, DaclSecurityInformation | ProtectedDaclSecurityInformation,
                    IntPtr.Zero, IntPtr.Zero, dacl, IntPtr.Zero) == 0;
            }
            finally
            {
                LocalFree(sd);
            }
        }

        private static string? ReadCurrentUserSid()
        {
            if (!OpenProcessToken(GetCurrentProcess(), TokenQuery, out var token)) return null;
            try
            {
                GetTokenInformation(token, TokenUserClass, IntPtr.Zero, 0, out var length);
                if (length <= 0) return null;
                var buffer = Marshal.AllocHGlobal(length);
                try
                {
                    if (!GetTokenInformation(token, TokenUserClass, buffer, length, out _)) return null;
                    // TOKEN_USER starts with SID_AND_ATTRIBUTES, whose first field is the SID pointer.
                    var sid = Marshal.ReadIntPtr(buffer);
                    if (!ConvertSidToStringSidW(sid, out var text)) return null;
                    try { return Marshal.PtrToStringUni(text); }
                    finally { LocalFree(text); }
                }
                finally
                {
                    Marshal.FreeHGlobal(buffer);
                }
            }
            finally
            {
                CloseHandle(token);
            }
        }

        [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool ConvertStringSecurityDescriptorToSecurityDescriptorW(string sddl, uint revision, out IntPtr securityDescriptor, IntPtr size);

        [DllImport("advapi32.dll", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool GetSecurityDescriptorDacl(IntPtr securityDescriptor, [MarshalAs(UnmanagedType.Bool)] out bool present, out IntPtr dacl, [MarshalAs(UnmanagedType.Bool)] out bool defaulted);

        [DllImport("advapi32.dll", CharSet = CharSet.Unicode)]
        private static extern uint SetNamedSecurityInfoW(string name, int objectType, uint securityInfo, IntPtr owner, IntPtr group, IntPtr dacl, IntPtr sacl);

        [DllImport("advapi32.dll", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool OpenProcessToken(IntPtr process, uint access, out IntPtr token);

        [DllImport("advapi32.dll", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool GetTokenInformation(IntPtr token, int informationClass, IntPtr information, int length, out int returned);

        [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool ConvertSidToStringSidW(IntPtr sid, out IntPtr text);

        [DllImport("kernel32.dll")]
        private static extern IntPtr GetCurrentProcess();

        [DllImport("kernel32.dll", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool CloseHandle(IntPtr handle);

        [DllImport("kernel32.dll")]
        private static extern IntPtr LocalFree(IntPtr memory);
    }
}
