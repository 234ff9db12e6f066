using System;
using System.Globalization;
using System.IO;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Kubiya.Core.Logging
{
    /// <summary>
    /// Appends log lines to a file, rolling it to <c>.1</c>, <c>.2</c>... when it passes
    /// <see cref="MaxBytes"/> and keeping <see cref="Keep"/> old files.
    /// </summary>
    public sealed class FileLoggerProvider : ILoggerProvider
    {
        private readonly string path;
        private readonly object gate = new object();
        private StreamWriter? writer;

        /// <summary>Size at which the file rolls over.</summary>
        public long MaxBytes { get; set; } = 10 * 1024 * 1024;

        /// <summary>Rolled files kept.</summary>
        public int Keep { get; set; } = 3;

        /// <summary>Logs to <paramref name="path"/>, creating its folder.</summary>
        public FileLoggerProvider(string path)
        {
            this.path = path;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        }

        /// <summary>The log file.</summary>
        public string FilePath => path;

        /// <inheritdoc />
        public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

        internal void Write(string line)
        {
            lock (gate)
            {
                try
                {
                    writer ??= Open();
                    writer.WriteLine(line);
                    writer.Flush();
                    if (writer.BaseStream.Length > MaxBytes) Roll();
                }
                catch (IOException)
                {
                    // Logging must never take the worker down.
                }
            }
        }

        private StreamWriter Open() =>
            new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete), new UTF8Encoding(false));

        private void Roll()
        {
            writer?.Dispose();
            writer = null;
            for (var i = Keep; i >= 1; i--)
            {
                var from = i == 1 ? path : $"{path}.{i - 1}";
                var to = $"{path}.{i}";
                if (!File.Exists(from)) continue;
                if (File.Exists(to)) File.Delete(to);
                File.Move(from, to);
            }
        }

        /// <inheritdoc />
        public void Dispose()
        {
            lock (gate)
            {
                writer?.Dispose();
                writer = null;
            }
        }

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
