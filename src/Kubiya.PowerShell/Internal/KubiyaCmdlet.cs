using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core;
using Kubiya.Core.Configuration;
using Kubiya.Core.Errors;
using Kubiya.Core.Executions;

namespace Kubiya.PowerShell.Internal
{
    /// <summary>
    /// Base of every Kubiya cmdlet: Ctrl+C cancels the running call, runtime work runs through a
    /// <see cref="PipelinePump"/>, and runtime errors become specific ErrorRecords.
    /// </summary>
    public abstract class KubiyaCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource stopping = new CancellationTokenSource();
        private KubiyaRuntime? runtime;

        /// <summary>Cancelled by Ctrl+C / pipeline stop.</summary>
        protected CancellationToken Cancellation => stopping.Token;

        /// <summary>Parameter overrides of the settings; null for none.</summary>
        protected virtual SettingsOverrides? Overrides => null;

        /// <summary>The runtime (settings read once per command invocation; their notices warned about once per session).</summary>
        internal KubiyaRuntime Runtime
        {
            get
            {
                if (runtime != null) return runtime;
                runtime = KubiyaRuntime.Create(Overrides);
                try { SettingsNotices.Show(runtime.Settings, WriteWarning); }
                catch (InvalidOperationException) { /* not on the pipeline thread: a later command warns */ }
                return runtime;
            }
        }

        /// <summary>The session's current file-system folder.</summary>
        protected string CurrentDirectory => SessionState.Path.CurrentFileSystemLocation.ProviderPath;

        /// <inheritdoc />
        protected override void StopProcessing() => stopping.Cancel();

        /// <summary>Runs <paramref name="work"/>; callbacks it posts to the pump run on this thread.</summary>
        internal T Run<T>(Func<PipelinePump, CancellationToken, Task<T>> work)
        {
            var pump = new PipelinePump();
            try
            {
                return pump.Run(() => work(pump, stopping.Token));
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        /// <summary>Runs <paramref name="body"/>, writing a non-terminating error for runtime failures. Returns false on error.</summary>
        internal bool TryRun(Action body, object? target)
        {
            try
            {
                body();
                return true;
            }
            catch (PipelineStoppedException)
            {
                throw;
            }
            catch (KubiyaException ex)
            {
                WriteError(ErrorRecords.From(ex, target));
                return false;
            }
        }

        /// <summary>Writes <paramref name="info"/>, plus an ErrorRecord when it failed or was cancelled.</summary>
        internal void WriteExecution(ExecutionInfo info)
        {
            WriteObject(info);
            if (ErrorRecords.ForOutcome(info) is { } error) WriteError(error);
        }

        /// <summary>Resolves a -Cwd style path against the session's location.</summary>
        protected string ResolveDirectory(string path) => GetUnresolvedProviderPathFromPSPath(path);

        /// <inheritdoc />
        public void Dispose()
        {
            stopping.Dispose();
            GC.SuppressFinalize(this);
        }
    }
}
