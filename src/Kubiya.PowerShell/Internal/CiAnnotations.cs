using System;
using System.Collections.Generic;
using System.Management.Automation;
using Kubiya.Core.Executions;
using Kubiya.Core.Logs;
using Kubiya.Core.Pipelines;

namespace Kubiya.PowerShell.Internal
{
    /// <summary>
    /// Writes a <see cref="CiReporter"/>'s annotations around an execution's log lines, through the
    /// host like the log lines themselves (so they reach a pipeline's standard output in order).
    /// Does nothing when no CI system is detected or -CIMode None.
    /// </summary>
    internal sealed class CiAnnotations
    {
        private readonly Cmdlet cmdlet;
        private readonly CiReporter? reporter;

        /// <param name="cmdlet">The cmdlet whose host receives the lines.</param>
        /// <param name="mode">Auto, None, AzureDevOps or GitHub (validated by the parameter).</param>
        public CiAnnotations(Cmdlet cmdlet, string mode)
        {
            this.cmdlet = cmdlet;
            reporter = CiReporter.Create((CiMode)Enum.Parse(typeof(CiMode), mode, ignoreCase: true));
        }

        /// <summary>Writes the lines that go before <paramref name="entry"/>, the entry itself, then those after.</summary>
        public void Around(LogEntry entry, Action<LogEntry> write)
        {
            if (reporter != null) Write(reporter.Before(entry));
            write(entry);
            if (reporter != null) Write(reporter.After(entry));
        }

        /// <summary>Closes groups and publishes the result (error annotation, output variables, summary).</summary>
        public void Finished(ExecutionInfo execution)
        {
            if (reporter != null) Write(reporter.Finished(execution));
        }

        private void Write(IEnumerable<string> lines)
        {
            foreach (var line in lines)
                cmdlet.WriteInformation(new HostInformationMessage { Message = line, NoNewLine = false }, new[] { "PSHOST", "Kubiya", "CI" });
        }
    }
}
