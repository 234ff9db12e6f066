using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Activities;

namespace Kubiya.PowerShell.Jobs
{
    /// <summary>
    /// Runs PowerShell steps in a fresh runspace of this process when the worker's machine has no
    /// <c>pwsh</c>. Step environment variables are set for the runspace's duration; they are
    /// process-wide, so a worker that runs PowerShell steps in parallel should have pwsh installed.
    /// </summary>
    internal sealed class InProcessPowerShellRunner : IPowerShellStepRunner
    {
        public Task<int> RunAsync(string script, string workingDirectory, IDictionary<string, string> env,
            Action<string, bool> onLine, TimeSpan timeout, CancellationToken cancellationToken) =>
            Task.Run(() => Run(script, workingDirectory, env, onLine, timeout, cancellationToken));

        private static int Run(string script, string workingDirectory, IDictionary<string, string> env,
            Action<string, bool> onLine, TimeSpan timeout, CancellationToken ct)
        {
            // CreateDefault2: the engine and module auto-loading, without the host snap-ins a hosting
            // process may not ship.
            using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
            runspace.Open();
            runspace.SessionStateProxy.Path.SetLocation(WildcardPattern.Escape(workingDirectory));
            using var ps = System.Management.Automation.PowerShell.Create();
            ps.Runspace = runspace;
            var prelude = new StringBuilder();
            foreach (var kv in env)
                prelude.Append("${env:").Append(kv.Key.Replace("}", "`}")).Append("} = '").Append(kv.Value.Replace("'", "''")).Append("'\n");
            prelude.Append("$ErrorActionPreference = 'Stop'\n");
            ps.AddScript(prelude + script);
            var output = new PSDataCollection<PSObject>();
            output.DataAdded += (_, e) => onLine(output[e.Index]?.ToString() ?? "", false);
            ps.Streams.Error.DataAdded += (_, e) => onLine(ps.Streams.Error[e.Index].ToString(), true);
            ps.Streams.Warning.DataAdded += (_, e) => onLine("WARNING: " + ps.Streams.Warning[e.Index].Message, true);
            var async = ps.BeginInvoke<PSObject, PSObject>(null, output);
            using (ct.Register(() => ps.Stop()))
            {
                if (!async.AsyncWaitHandle.WaitOne(timeout))
                {
                    ps.Stop();
                    throw new TimeoutException($"Killed after {timeout.TotalSeconds:0.###}s.");
                }
            }
            try
            {
                ps.EndInvoke(async);
            }
            catch (PipelineStoppedException)
            {
                ct.ThrowIfCancellationRequested();
                throw;
            }
            catch (RuntimeException ex)
            {
                onLine(ex.ErrorRecord?.ToString() ?? ex.Message, true);
                return 1;
            }
            ct.ThrowIfCancellationRequested();
            return ps.HadErrors ? 1 : 0;
        }
    }
}
