using System;

namespace Kubiya.Core.Errors
{
    /// <summary>
    /// The one exception type the runtime lets out: a readable message, a stable error id
    /// (e.g. <c>ExecutionNotFound</c>) and a kind the front maps to its own error category.
    /// </summary>
    public sealed class KubiyaException : Exception
    {
        /// <summary>Creates an error.</summary>
        public KubiyaException(KubiyaErrorKind kind, string errorId, string message, object? target = null, Exception? inner = null)
            : base(message, inner)
        {
            Kind = kind;
            ErrorId = errorId;
            Target = target;
        }

        /// <summary>Category of the failure.</summary>
        public KubiyaErrorKind Kind { get; }

        /// <summary>Stable identifier, used as the ErrorRecord id.</summary>
        public string ErrorId { get; }

        /// <summary>The object the error is about (an execution id, a file path...).</summary>
        public object? Target { get; }
    }
}
