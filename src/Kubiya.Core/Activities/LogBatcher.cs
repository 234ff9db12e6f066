using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Workflows;
using Microsoft.Extensions.Logging;
using Temporalio.Client;

namespace Kubiya.Core.Activities
{
    /// <summary>
    /// Collects output lines of a running step and sends them to the execution as <c>log</c>
    /// signals: every <see cref="FlushInterval"/> or every <see cref="MaxLines"/> lines, in order,
    /// so history holds few, large events and readers anywhere see output live.
    /// </summary>
    public sealed class LogBatcher : IDisposable
    {
        /// <summary>Longest time a line waits before it is sent.</summary>
        public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(250);

        /// <summary>Lines that trigger an immediate send.</summary>
        public const int MaxLines = 100;

        private const int MaxLineLength = 16 * 1024;
        private readonly ITemporalClient client;
        private readonly string executionId;
        private readonly string step;
        private readonly int attempt;
        private readonly string worker;
        private readonly int? retry;
        private readonly ILogger logger;
        private readonly object gate = new object();
        private readonly SemaphoreSlim wake = new SemaphoreSlim(0);
        private readonly CancellationTokenSource stop = new CancellationTokenSource();
        private readonly Task pump;
        private List<LogLine> pending = new List<LogLine>();
        private int total;

        /// <summary>Starts a batcher for one run of one step.</summary>
        public LogBatcher(ITemporalClient client, string executionId, string step, int attempt, string worker, ILogger logger, int activityAttempt = 1)
        {
            retry = activityAttempt > 1 ? activityAttempt : (int?)null;
            this.client = client;
            this.executionId = executionId;
            this.step = step;
            this.attempt = attempt;
            this.worker = worker;
            this.logger = logger;
            pump = Task.Run(PumpAsync);
        }

        /// <summary>Lines accepted so far.</summary>
        public int Total { get { lock (gate) return total; } }

        /// <summary>Queues one line.</summary>
        public void Add(string text, bool isError) => Add(text, isError, null);

        /// <summary>Queues one line of a given kind (null: process output; <c>Message</c>: model text).</summary>
        public void Add(string text, bool isError, string? kind)
        {
            if (text.Length > MaxLineLength) text = text.Substring(0, MaxLineLength) + " [line truncated]";
            int count;
            lock (gate)
            {
                pending.Add(new LogLine { Time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Error = isError, Text = text, Kind = kind });
                total++;
                count = pending.Count;
            }
            if (count >= MaxLines) wake.Release();
        }

        /// <summary>Sends what is left and stops the pump.</summary>
        public async Task CompleteAsync()
        {
            stop.Cancel();
            await pump.ConfigureAwait(false);
            await FlushAsync().ConfigureAwait(false);
        }

        private async Task PumpAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await wake.WaitAsync(FlushInterval, stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                await FlushAsync().ConfigureAwait(false);
            }
        }

        private async Task FlushAsync()
        {
            List<LogLine> batch;
            lock (gate)
            {
                if (pending.Count == 0) return;
                batch = pending;
                pending = new List<LogLine>();
            }
            for (var offset = 0; offset < batch.Count; offset += MaxLines)
            {
                var part = batch.GetRange(offset, Math.Min(MaxLines, batch.Count - offset));
                var signal = new LogBatch { Step = step, Attempt = attempt, Retry = retry, Worker = worker, Lines = part };
                for (var tries = 1; ; tries++)
                {
                    try
                    {
                        await client.GetWorkflowHandle(executionId).SignalAsync(WorkflowNames.LogSignal, new object[] { signal }).ConfigureAwait(false);
                        break;
                    }
                    catch (Exception ex) when (tries < 3)
                    {
                        logger.LogDebug(ex, "Retrying log signal for {Execution}", executionId);
                        await Task.Delay(200 * tries).ConfigureAwait(false);
                    }
                    catch (Exception ex)
                    {
                        // Output must never fail the step itself; the lines stay in the worker log.
                        logger.LogWarning("Could not send {Count} output line(s) of {Execution}: {Message}", part.Count, executionId, ex.Message);
                        break;
                    }
                }
            }
        }

        /// <summary>Stops the pump without sending.</summary>
        public void Dispose()
        {
            stop.Cancel();
            stop.Dispose();
            wake.Dispose();
        }
    }
}
