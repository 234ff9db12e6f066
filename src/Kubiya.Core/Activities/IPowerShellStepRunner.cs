using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Kubiya.Core.Activities
{
    /// <summary>
    /// Runs a PowerShell step inside the hosting process when no <c>pwsh</c> executable exists.
    /// Fronts that live inside PowerShell (the module) provide one; others leave it null.
    /// </summary>
    public interface IPowerShellStepRunner
    {
        /// <summary>Runs <paramref name="script"/>; returns 0 on success, non-zero on failure.</summary>
        Task<int> RunAsync(string script, string workingDirectory, IDictionary<string, string> env,
            Action<string, bool> onLine, TimeSpan timeout, CancellationToken cancellationToken);
    }
}
