using System;
using System.IO;
using Microsoft.Extensions.Logging;

namespace Kubiya.Core.Logging
{
    /// <summary>
    /// Microsoft.Extensions.Logging provider writing to a size-rotated file (a worker's
    /// <c>logs/worker.log</c>), through the same <see cref="RotatingFileWriter"/> the daemon uses.
    /// </summary>
    public sealed class FileLoggerProvider : ILoggerProvider
    {
        private readonly RotatingFileWriter writer;

        /// <summary>Logs to <paramref name="path"/>, creating its folder; rotates at <paramref name="maxBytes"/>, keeping <paramref name="keep"/> old files.</summary>
        public FileLoggerProvider(string path, long maxBytes = 100 * 1024 * 1024, int keep = 5) =>
            writer = new RotatingFileWriter(path, maxBytes, keep);

        /// <summary>The log file.</summary>
        public string FilePath => writer.Path;

        /// <inheritdoc />
        public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

        internal void Write(string line)
        {
            try { writer.WriteLine(line); }
            catch (IOException) { /* logging must never take the worker down */ }
            catch (ObjectDisposedException) { }
        }

        /// <inheritdoc />
        public void Dispose() => writer.Dispose();

        private sealed class FileLogger : ILogger
        {
            private readonly FileLoggerProvider owner;
            private readonly string category;

            public FileLogger(FileLoggerProvider owner, string category)
            {
                this.owner = owner;
                this.category = category;
            }

            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (!IsEnabled(logLevel)) return;
                var line = LogFormat.Line(DateTimeOffset.Now, logLevel, category, formatter(state, exception), exception);
                owner.Write(line);
            }
        }
    }
}
