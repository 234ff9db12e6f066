using Kubiya.Core.Executions;
using Kubiya.Core.Logs;
using Kubiya.Core.Workers;

namespace Kubiya.WebUI;

/// <summary>
/// The JSON shapes of the host's command line, so the API speaks the same field names as
/// <c>kubiya ... -o json</c> (the CLI supplies its own views; nothing is mapped twice).
/// </summary>
public interface IWebUIViews
{
    /// <summary>An execution as <c>kubiya execution get -o json</c> writes it.</summary>
    object Execution(ExecutionInfo execution);

    /// <summary>A log entry as <c>kubiya execution logs -o json</c> writes it.</summary>
    object LogEntry(LogEntry entry);

    /// <summary>A daemon worker as <c>kubiya worker status -o json</c> writes it.</summary>
    object Worker(WorkerPaths paths, DaemonStatus status);
}
