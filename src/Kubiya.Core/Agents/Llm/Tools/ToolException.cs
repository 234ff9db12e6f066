using System;

namespace Kubiya.Core.Agents.Llm.Tools
{
    /// <summary>
    /// A tool call the tool refuses or cannot do (bad argument, path outside the working directory,
    /// denied command...). <see cref="ToolRunner"/> turns it into an error result for the model.
    /// </summary>
    public sealed class ToolException : Exception
    {
        /// <summary>Creates the error with a message written for the model and the person reading the log.</summary>
        public ToolException(string message) : base(message) { }
    }
}
