using System.Collections.Generic;

namespace Kubiya.Core.Agents
{
    /// <summary>One step of a runbook agent. Also the wire format handed to the workflow.</summary>
    public sealed class StepDefinition
    {
        /// <summary>Name shown in logs.</summary>
        public string Name { get; set; } = "";
        /// <summary>One of <see cref="StepKind"/>.</summary>
        public string Kind { get; set; } = StepKind.Shell;
        /// <summary>Command or script for shell and powershell steps.</summary>
        public string? Command { get; set; }
        /// <summary>Question asked by an approval step.</summary>
        public string? Question { get; set; }
        /// <summary>Rules of a changes step.</summary>
        public ChangesDefinition? Changes { get; set; }
        /// <summary>Extra environment variables.</summary>
        public Dictionary<string, string> Env { get; set; } = new Dictionary<string, string>();
        /// <summary>Seconds before the command is killed (approval: before the wait gives up); null = default.</summary>
        public double? TimeoutSeconds { get; set; }
        /// <summary>How many times a failing command is run again.</summary>
        public int Retries { get; set; }
        /// <summary>Keep going when this step fails.</summary>
        public bool ContinueOnError { get; set; }
        /// <summary>Folder relative to the execution's working directory.</summary>
        public string? WorkingDirectory { get; set; }
    }

    /// <summary>Maps changed paths (<c>git diff --name-only BASE</c>) to commands.</summary>
    public sealed class ChangesDefinition
    {
        /// <summary>The git revision compared with the working tree (default <c>HEAD</c>).</summary>
        public string Base { get; set; } = "HEAD";
        /// <summary>Rules in order; every matching rule's command runs once.</summary>
        public List<ChangeRule> Rules { get; set; } = new List<ChangeRule>();
        /// <summary>Runs when no rule matched; optional.</summary>
        public ChangeRule? Otherwise { get; set; }
    }

    /// <summary>A set of glob patterns and the command to run when any changed path matches.</summary>
    public sealed class ChangeRule
    {
        /// <summary>Glob patterns (<c>**</c>, <c>*</c>, <c>?</c>) relative to the repository root.</summary>
        public List<string> Paths { get; set; } = new List<string>();
        /// <summary><see cref="StepKind.Shell"/> or <see cref="StepKind.PowerShell"/>.</summary>
        public string Kind { get; set; } = StepKind.Shell;
        /// <summary>The command.</summary>
        public string Command { get; set; } = "";
    }
}
