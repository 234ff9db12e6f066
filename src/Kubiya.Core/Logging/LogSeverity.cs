namespace Kubiya.Core.Logging
{
    /// <summary>
    /// Severity of a log line handed to a sink. The runtime's own type, so fronts loaded in a
    /// different assembly context than Microsoft.Extensions.Logging can consume it.
    /// </summary>
    public enum LogSeverity
    {
        /// <summary>Trace.</summary>
        Trace,
        /// <summary>Debug.</summary>
        Debug,
        /// <summary>Information.</summary>
        Information,
        /// <summary>Warning.</summary>
        Warning,
        /// <summary>Error.</summary>
        Error,
        /// <summary>Critical.</summary>
        Critical,
    }
}
