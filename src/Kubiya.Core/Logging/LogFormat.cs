using System;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Kubiya.Core.Logging
{
    /// <summary>The one-line format of worker logs: time, level, category, message.</summary>
    public static class LogFormat
    {
        /// <summary>Formats one entry.</summary>
        public static string Line(DateTimeOffset time, LogLevel level, string category, string message, Exception? exception)
        {
            var shortCategory = category.Substring(category.LastIndexOf('.') + 1);
            var text = $"{time.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture)} {Level(level)} {shortCategory}: {message}";
            return exception == null ? text : text + " | " + exception.GetType().Name + ": " + exception.Message;
        }

        private static string Level(LogLevel level) => level switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            LogLevel.Critical => "crit",
            _ => "none",
        };
    }
}
