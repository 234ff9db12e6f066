using System;
using Microsoft.Extensions.Logging;

namespace Kubiya.Core.Logging
{
    /// <summary>Hands each formatted log line to a callback (a job's output stream, a test...).</summary>
    public sealed class CallbackLoggerProvider : ILoggerProvider
    {
        private readonly Action<LogSeverity, string> sink;

        /// <summary>Creates the provider.</summary>
        public CallbackLoggerProvider(Action<LogSeverity, string> sink) => this.sink = sink;

        /// <inheritdoc />
        public ILogger CreateLogger(string categoryName) => new CallbackLogger(sink, categoryName);

        /// <inheritdoc />
        public void Dispose() { }

        private sealed class CallbackLogger : ILogger
        {
            private readonly Action<LogSeverity, string> sink;
            private readonly string category;

            public CallbackLogger(Action<LogSeverity, string> sink, string category)
            {
                this.sink = sink;
                this.category = category;
            }

            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                try
                {
                    sink((LogSeverity)(int)logLevel, LogFormat.Line(DateTimeOffset.Now, logLevel, category, formatter(state, exception), exception));
                }
                catch (Exception)
                {
                    // A closed sink must not break the component that logs.
                }
            }
        }
    }
}
