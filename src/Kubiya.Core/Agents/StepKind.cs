namespace Kubiya.Core.Agents
{
    /// <summary>What a runbook step does.</summary>
    public static class StepKind
    {
        /// <summary>A shell command (bash / sh on Unix, cmd on Windows).</summary>
        public const string Shell = "shell";
        /// <summary>A PowerShell script.</summary>
        public const string PowerShell = "powershell";
        /// <summary>Waits for a human answer before going on.</summary>
        public const string Approval = "approval";
        /// <summary>Runs the commands whose rules match the paths changed since a git base.</summary>
        public const string Changes = "changes";
    }
}
