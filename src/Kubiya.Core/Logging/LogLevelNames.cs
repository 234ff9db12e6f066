using System;
using Microsoft.Extensions.Logging;

namespace Kubiya.Core.Logging
{
    /// <summary>
    /// Log level names as users write them: Microsoft.Extensions.Logging's (Information, Warning)
    /// and the Python-style ones of the Kubiya docs (INFO, WARNING, CRITICAL), case-insensitive.
    /// </summary>
    public static class LogLevelNames
    {
        /// <summary>The names accepted, for messages.</summary>
        public const string Accepted = "TRACE, DEBUG, INFO, WARNING, ERROR or CRITICAL";

        /// <summary>Parses <paramref name="text"/>; false when it names no level.</summary>
        public static bool TryParse(string? text, out LogLevel level)
        {
            level = LogLevel.Information;
            switch (text?.Trim().ToUpperInvariant())
            {
                case "TRACE": level = LogLevel.Trace; return true;
                case "DEBUG": level = LogLevel.Debug; return true;
                case "INFO": case "INFORMATION": level = LogLevel.Information; return true;
                case "WARN": case "WARNING": level = LogLevel.Warning; return true;
                case "ERROR": level = LogLevel.Error; return true;
                case "CRITICAL": case "FATAL": level = LogLevel.Critical; return true;
                case "NONE": level = LogLevel.None; return true;
                default: return false;
            }
        }
    }
}
