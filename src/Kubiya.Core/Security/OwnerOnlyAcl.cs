using System;
using System.Text.RegularExpressions;

namespace Kubiya.Core.Security
{
    /// <summary>
    /// The Windows access list of an owner-only file or folder, as SDDL: full control for the
    /// account that runs Kubiya, for SYSTEM (services, backup) and for the Administrators group
    /// (who can take ownership of anything anyway), nobody else; protected, so the parent folder's
    /// entries (Users, Everyone, Authenticated Users) are not inherited. A folder's entries are
    /// inherited by what is created inside it later, so SQLite's journal and WAL files, rotated logs
    /// and tokens written there are owner-only too. The Windows counterpart of 0700 / 0600.
    /// </summary>
    public static class OwnerOnlyAcl
    {
        /// <summary>SID of the local SYSTEM account (SDDL alias SY).</summary>
        public const string LocalSystem = "SY";

        /// <summary>SID of the built-in Administrators group (SDDL alias BA).</summary>
        public const string Administrators = "BA";

        private static readonly Regex Sid = new Regex(@"^S-1-\d+(-\d+)+$", RegexOptions.CultureInvariant);

        /// <summary>The DACL, in SDDL, for a folder (inherited by its content) or a file of <paramref name="userSid"/>.</summary>
        public static string Sddl(string userSid, bool folder)
        {
            if (userSid == null || !Sid.IsMatch(userSid))
                throw new ArgumentException($"'{userSid}' is not a security identifier (S-1-...).", nameof(userSid));
            // P: protected (no inherited entries). OICI: folders pass the entry on to files and folders inside.
            var flags = folder ? "OICI" : "";
            return "D:P" + Ace(flags, userSid) + Ace(flags, LocalSystem) + Ace(flags, Administrators);
        }

        private static string Ace(string flags, string trustee) => $"(A;{flags};FA;;;{trustee})";
    }
}
