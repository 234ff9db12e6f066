namespace Kubiya.Core.Errors
{
    /// <summary>What went wrong, so every front (cmdlets, CLI) can map it to its own error category.</summary>
    public enum KubiyaErrorKind
    {
        /// <summary>Input was syntactically or semantically invalid.</summary>
        InvalidArgument,
        /// <summary>An execution, agent or queue does not exist.</summary>
        NotFound,
        /// <summary>The Temporal endpoint could not be reached.</summary>
        ServerUnreachable,
        /// <summary>An agent definition or the configuration file is malformed.</summary>
        InvalidDefinition,
        /// <summary>The object is in a state that does not allow the operation.</summary>
        InvalidState,
        /// <summary>The operation did not finish in time.</summary>
        Timeout,
        /// <summary>The execution ended in Failed or Cancelled.</summary>
        ExecutionFailed,
        /// <summary>Anything else.</summary>
        Internal,
    }
}
