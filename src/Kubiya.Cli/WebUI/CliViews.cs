using Kubiya.Cli.Output;
using Kubiya.Core.Executions;
using Kubiya.Core.Logs;
using Kubiya.Core.Workers;
using Kubiya.WebUI;

namespace Kubiya.Cli.WebUI;

/// <summary>The web UI's JSON shapes are the CLI's own <c>-o json</c> views.</summary>
internal sealed class CliViews : IWebUIViews
{
    public static readonly CliViews Instance = new();

    public object Execution(ExecutionInfo execution) => ExecutionView.From(execution);

    public object LogEntry(LogEntry entry) => LogEntryView.From(entry);

    public object Worker(WorkerPaths paths, DaemonStatus status) => WorkerView.From(paths, status);
}
