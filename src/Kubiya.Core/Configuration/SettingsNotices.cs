using System;
using System.Collections.Generic;

namespace Kubiya.Core.Configuration
{
    /// <summary>
    /// Shows the settings' notices (<see cref="KubiyaSettings.Notices"/>) once per process: a
    /// PowerShell session or a CLI run warns about a file once, not on every command.
    /// </summary>
    public static class SettingsNotices
    {
        private static readonly HashSet<string> Shown = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>Passes each notice not shown yet to <paramref name="show"/>; one that throws is offered again later.</summary>
        public static void Show(KubiyaSettings settings, Action<string> show)
        {
            foreach (var notice in settings.Notices)
            {
                lock (Shown)
                    if (Shown.Contains(notice)) continue;
                show(notice);
                lock (Shown) Shown.Add(notice);
            }
        }
    }
}
