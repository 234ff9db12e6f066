using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Kubiya.Core.Processes
{
    /// <summary>
    /// Runs a step's process (see <see cref="StepProcessGroup"/>: its own process group, ended with
    /// its worker), streaming each output line as it is written, with a timeout and cancellation.
    /// </summary>
    public static class ProcessRunner
    {
        /// <summary>
        /// Runs <paramref name="psi"/> in <paramref name="workingDirectory"/> and returns its exit code.
        /// Throws <see cref="TimeoutException"/> after <paramref name="timeout"/> and
        /// <see cref="OperationCanceledException"/> on cancellation; in both cases the step's whole
        /// process group is stopped before this returns.
        /// </summary>
        public static async Task<int> RunAsync(ProcessStartInfo psi, string workingDirectory, IDictionary<string, string> env,
            Action<string, bool> onLine, TimeSpan timeout, CancellationToken cancellationToken)
        {
            psi = StepProcessGroup.Wrap(psi);
            psi.UseShellExecute = false;
            psi.RedirectStandardOutput = true;
            psi.RedirectStandardError = true;
            psi.RedirectStandardInput = true;
            psi.CreateNoWindow = true;
            psi.StandardOutputEncoding = Encoding.UTF8;
            psi.StandardErrorEncoding = Encoding.UTF8;
            psi.WorkingDirectory = workingDirectory;
            foreach (var kv in env) psi.Environment[kv.Key] = kv.Value;

            using var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
            var exited = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            process.Exited += (_, _) => exited.TrySetResult(true);
            process.Start();
            StepProcessGroup.Started(process);
            // Both pipes are read by one ordered reader, so stdout and stderr lines keep the order the
            // step wrote them in (to the precision two pipes allow: see OrderedOutputReader).
            var output = new OrderedOutputReader(process.StandardOutput.BaseStream, process.StandardError.BaseStream, onLine);
            // Under the launcher, stdin is the worker-alive pipe: it stays open until the step ends
            // (the step reads /dev/null). Without one, close it so a command reading stdin ends.
            if (!StepProcessGroup.Supported) process.StandardInput.Close();
            try
            {
                using var timeoutCts = new CancellationTokenSource(timeout);
                var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                using (cancellationToken.Register(() => cancelled.TrySetResult(true)))
                using (timeoutCts.Token.Register(() => cancelled.TrySetResult(false)))
                {
                    var first = await Task.WhenAny(exited.Task, cancelled.Task).ConfigureAwait(false);
                    if (first != exited.Task)
                    {
                        await Task.Run(() => StepProcessGroup.Stop(process, TimeSpan.FromSeconds(StepProcessGroup.GraceSeconds))).ConfigureAwait(false);
                        await Task.WhenAny(output.Completion, Task.Delay(2000)).ConfigureAwait(false);
                        if (cancellationToken.IsCancellationRequested) throw new OperationCanceledException(cancellationToken);
                        throw new TimeoutException($"Killed after {timeout.TotalSeconds:0.###}s.");
                    }
                }
                // Output pipes may still hold lines after exit; a process that left the group can keep them open, so bound the wait.
                await Task.WhenAny(output.Completion, Task.Delay(5000)).ConfigureAwait(false);
                return process.ExitCode;
            }
            finally
            {
                output.Detach();
                StepProcessGroup.Ended(process);
                CloseQuietly(process);
            }
        }

        private static void CloseQuietly(Process process)
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (Exception)
            {
                // Closed already, or the process is gone.
            }
        }
    }
}
