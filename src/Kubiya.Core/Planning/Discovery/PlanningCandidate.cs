using System.Collections.Generic;

namespace Kubiya.Core.Planning
{
    /// <summary>An agent or team as planning sees it: the text it is ranked on and what a plan records.</summary>
    public sealed class PlanningCandidate
    {
        /// <summary>Name.</summary>
        public string Name { get; set; } = "";
        /// <summary><c>runbook</c>, <c>llm</c> or <c>team</c>.</summary>
        public string Kind { get; set; } = "";
        /// <summary>Description.</summary>
        public string Description { get; set; } = "";
        /// <summary>Tags.</summary>
        public List<string> Tags { get; set; } = new List<string>();
        /// <summary>Step names (members' steps for a team).</summary>
        public List<string> StepNames { get; set; } = new List<string>();
        /// <summary>Step commands and approval questions.</summary>
        public List<string> Commands { get; set; } = new List<string>();
        /// <summary>Tools an llm agent may call.</summary>
        public List<string> Tools { get; set; } = new List<string>();
        /// <summary>Model of an llm agent.</summary>
        public string? Model { get; set; }
        /// <summary>Team members.</summary>
        public List<string> Members { get; set; } = new List<string>();
        /// <summary>The plan steps this candidate would run.</summary>
        public List<PlanStep> Steps { get; set; } = new List<PlanStep>();
        /// <summary>Hash of the definition (members included for a team).</summary>
        public string DefinitionHash { get; set; } = "";

        /// <inheritdoc />
        public override string ToString() => Name;
    }
}
