using System.Collections.Generic;

namespace Kubiya.Core.Planning
{
    /// <summary>What a model chose, after validation against <c>$defs/selection</c> of the plan schema.</summary>
    public sealed class ModelSelection
    {
        /// <summary>The chosen agent or team (one of the candidates).</summary>
        public string Agent { get; set; } = "";
        /// <summary>Plan title.</summary>
        public string Title { get; set; } = "";
        /// <summary>Plan summary.</summary>
        public string Summary { get; set; } = "";
        /// <summary>Why this agent.</summary>
        public string Reasoning { get; set; } = "";
        /// <summary>Other candidates the model considered.</summary>
        public List<ModelAlternative> Alternatives { get; set; } = new List<ModelAlternative>();
    }

    /// <summary>An alternative named by the model.</summary>
    public sealed class ModelAlternative
    {
        /// <summary>Candidate name.</summary>
        public string Name { get; set; } = "";
        /// <summary>Why it could fit.</summary>
        public string Reasoning { get; set; } = "";
    }
}
