using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Kubiya.Core.Processes
{
    /// <summary>
    /// Reads a step's stdout and stderr and hands every line to one callback, one line at a time, in
    /// the order the reads returned them. Each pipe has a dedicated thread blocked in a read, so a line
    /// is taken (and its place in the order fixed, under one lock) the moment the pipe delivers it,
    /// not when a busy thread pool gets round to it.
    /// </summary>
    /// <remarks>
    /// Two pipes carry no order between them: lines written to stdout and stderr within the time a
    /// read takes to wake (microseconds on an idle machine, more under load) can arrive in either
    /// order; a line is never split or reordered within its own stream. Writes a few milliseconds
    /// apart (a <c>sleep</c>, a flush after a prompt) come out as written.
    /// </remarks>
    public sealed class OrderedOutputReader
    {
        private const int BufferSize = 4096;
        private readonly Action<string, bool> onLine;
        private readonly object gate = new object();
        private bool detached;
        private readonly TaskCompletionSource<bool> outDone = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<bool> errDone = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Starts reading both streams; <paramref name="onLine"/> gets (text, isStderr).</summary>
        public OrderedOutputReader(Stream stdout, Stream stderr, Action<string, bool> onLine)
        {
            this.onLine = onLine;
            Start(stdout, false, outDone, "kubiya-step-stdout");
            Start(stderr, true, errDone, "kubiya-step-stderr");
        }

        /// <summary>Completes once both streams reached their end.</summary>
        public Task Completion => Task.WhenAll(outDone.Task, errDone.Task);

        /// <summary>
        /// Stops delivering lines (the step's result is taken): a process that left the step's group
        /// may hold the pipes open, and its later lines must not reach a finished step's log.
        /// </summary>
        public void Detach()
        {
            lock (gate) detached = true;
        }

        private void Start(Stream stream, bool isError, TaskCompletionSource<bool> done, string name)
        {
            var thread = new Thread(() => Pump(stream, isError, done)) { IsBackground = true, Name = name };
            thread.Start();
        }

        private void Pump(Stream stream, bool isError, TaskCompletionSource<bool> done)
        {
            var decoder = new UTF8Encoding(false).GetDecoder();
            var bytes = new byte[BufferSize];
            var chars = new char[Encoding.UTF8.GetMaxCharCount(BufferSize)];
            var partial = new StringBuilder();
            try
            {
                int read;
                while ((read = stream.Read(bytes, 0, bytes.Length)) > 0)
                {
                    var count = decoder.GetChars(bytes, 0, read, chars, 0, flush: false);
                    Deliver(chars, count, partial, isError);
                }
            }
            catch (IOException)
            {
                // The pipe broke (the process group was killed): what was read is delivered below.
            }
            catch (ObjectDisposedException)
            {
                // The process object was closed while the step was being stopped.
            }
            catch (Exception ex) when (ex is InvalidOperationException || ex is NotSupportedException)
            {
                // Same: the stream is gone.
            }
            finally
            {
                if (partial.Length > 0) Emit(TrimCr(partial.ToString()), isError);
                done.TrySetResult(true);
            }
        }

        private void Deliver(char[] chars, int count, StringBuilder partial, bool isError)
        {
            var start = 0;
            lock (gate)
            {
                for (var i = 0; i < count; i++)
                {
                    if (chars[i] != '\n') continue;
                    partial.Append(chars, start, i - start);
                    if (!detached) onLine(TrimCr(partial.ToString()), isError);
                    partial.Clear();
                    start = i + 1;
                }
            }
            partial.Append(chars, start, count - start);
        }

        private void Emit(string line, bool isError)
        {
            lock (gate)
            {
                if (!detached) onLine(line, isError);
            }
        }

        private static string TrimCr(string line) => line.Length > 0 && line[line.Length - 1] == '\r' ? line.Substring(0, line.Length - 1) : line;
    }
}
