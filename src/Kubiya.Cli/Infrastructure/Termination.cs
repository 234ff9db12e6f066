using System.Runtime.InteropServices;

namespace Kubiya.Cli.Infrastructure;

/// <summary>
/// Turns the first Ctrl+C, SIGTERM (or SIGQUIT, or SIGHUP when the terminal closes) into a cancellation, so commands stop gracefully (a worker
/// drains its running steps, exec cancels its local execution); a second one ends the process.
/// </summary>
public sealed class Termination : IDisposable
{
    private readonly CancellationTokenSource cts = new();
    private readonly List<PosixSignalRegistration> registrations = new();

    /// <summary>Starts listening for the termination signals.</summary>
    public Termination()
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT, PosixSignal.SIGHUP })
        {
            try
            {
                registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
            }
            catch (PlatformNotSupportedException)
            {
                // SIGQUIT and SIGHUP have no meaning on Windows.
            }
        }
    }

    /// <summary>Cancelled by the first termination signal.</summary>
    public CancellationToken Token => cts.Token;

    /// <summary>The signal that cancelled <see cref="Token"/>, if any.</summary>
    public PosixSignal? Received { get; private set; }

    private void OnSignal(PosixSignalContext context)
    {
        if (cts.IsCancellationRequested) return; // the second one: default handling ends the process
        Received = context.Signal;
        context.Cancel = true;
        cts.Cancel();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var r in registrations) r.Dispose();
        cts.Dispose();
    }
}
