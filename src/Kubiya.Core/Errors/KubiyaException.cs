using System;
using Kubiya.Core.Messages;

namespace Kubiya.Core.Errors
{
    /// <summary>
    /// The one exception type the runtime lets out: a readable message, a stable error id
    /// (e.g. <c>ExecutionNotFound</c>) and a kind the front maps to its own error category. The
    /// message may name parameters and commands front-neutrally (see <see cref="FrontText"/>):
    /// <see cref="Exception.Message"/> gives both forms, <see cref="MessageFor"/> one front's.
    /// </summary>
    public sealed class KubiyaException : Exception
    {
        /// <summary>Creates an error.</summary>
        public KubiyaException(KubiyaErrorKind kind, string errorId, string message, object? target = null, Exception? inner = null)
            : base(FrontText.Render(message, null), inner)
        {
            Template = message;
            Kind = kind;
            ErrorId = errorId;
            Target = target;
        }

        /// <summary>The message as written, with its front-neutral parameter and command tokens.</summary>
        public string Template { get; }

        /// <summary>The message in the syntax of <paramref name="front"/>.</summary>
        public string MessageFor(KubiyaFront front) => FrontText.Render(Template, front);

        /// <summary>Category of the failure.</summary>
        public KubiyaErrorKind Kind { get; }

        /// <summary>Stable identifier, used as the ErrorRecord id.</summary>
        public string ErrorId { get; }

        /// <summary>The object the error is about (an execution id, a file path...).</summary>
        public object? Target { get; }
    }
}
