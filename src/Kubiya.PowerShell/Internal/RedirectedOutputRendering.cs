using System;
using System.Management.Automation;

namespace Kubiya.PowerShell.Internal
{
    /// <summary>
    /// <c>$PSStyle.OutputRendering = 'Host'</c> (pwsh's default) means colours on the screen and
    /// plain text when output is redirected, but pwsh's own command line keeps the colours when its
    /// standard output is a file or a pipe (PowerShell/PowerShell#20170). CI logs and
    /// <c>pwsh -Command ... &gt; log.txt</c> would then hold escape sequences around every table
    /// header and error. When the module is imported into the console host with redirected output
    /// it switches Host to PlainText, which is what Host promises; Ansi, chosen explicitly, stays.
    /// </summary>
    internal static class RedirectedOutputRendering
    {
        private const string Script = @"
if ($PSVersionTable.PSVersion.Major -ge 7 -and $null -ne $PSStyle -and $Host.Name -eq 'ConsoleHost' -and
    [Console]::IsOutputRedirected -and $PSStyle.OutputRendering -eq 'Host') {
    $PSStyle.OutputRendering = 'PlainText'
}";

        /// <summary>Applies the rule in the importing session; never fails the import.</summary>
        public static void Apply()
        {
            try
            {
                ScriptBlock.Create(Script).Invoke();
            }
            catch (Exception)
            {
                // Only cosmetic: a host that refuses a nested script keeps its rendering.
            }
        }
    }
}
