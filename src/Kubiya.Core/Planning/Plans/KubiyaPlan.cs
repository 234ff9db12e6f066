using System;
using System.Collections.Generic;

namespace Kubiya.Core.Planning
{
    /// <summary>
    /// A plan: which agent or team runs a prompt, where, with which steps, what it may cost and
    /// what it touches. Saved as a versioned JSON file (<c>schemas/kubiya-plan.schema.json</c>);
    /// running a plan runs exactly what it names, after checking the agent did not change.
    /// </summary>
    public sealed class KubiyaPlan
    {
        /// <summary>The file format version this build writes.</summary>
        public const int CurrentSchemaVersion = 1;

        /// <summary>Format version of the file.</summary>
        public int SchemaVersion { get; set; } = CurrentSchemaVersion;
        /// <summary>Plan id (<c>plan-</c> + 12 hex digits); the file name in the plan store.</summary>
        public string PlanId { get; set; } = "";
        /// <summary>The task as the user wrote it.</summary>
        public string Prompt { get; set; } = "";
        /// <summary>One line naming the task.</summary>
        public string Title { get; set; } = "";
        /// <summary>What will happen, in a sentence or two.</summary>
        public string Summary { get; set; } = "";
        /// <summary>The agent or team that runs it.</summary>
        public PlanTarget Recommended { get; set; } = new PlanTarget();
        /// <summary>Other candidates, best first.</summary>
        public List<PlanAlternative> Alternatives { get; set; } = new List<PlanAlternative>();
        /// <summary>True when an alternative scored close to the recommendation: a person should choose.</summary>
        public bool CloseCandidates { get; set; }
        /// <summary>Where it runs.</summary>
        public PlanQueue Queue { get; set; } = new PlanQueue();
        /// <summary>Environment recorded on the execution, when one is configured.</summary>
        public string? Environment { get; set; }
        /// <summary>The steps, in order (for llm agents: the model and its tools).</summary>
        public List<PlanStep> Steps { get; set; } = new List<PlanStep>();
        /// <summary>Duration and cost estimate.</summary>
        public PlanEstimate Estimate { get; set; } = new PlanEstimate();
        /// <summary>What the run may change or wait for.</summary>
        public List<PlanRisk> Risks { get; set; } = new List<PlanRisk>();
        /// <summary>How the agent was selected: <c>ranker</c> or <c>model:NAME</c>.</summary>
        public string SelectedBy { get; set; } = "ranker";
        /// <summary>When the plan was made.</summary>
        public DateTimeOffset CreatedAt { get; set; }
        /// <summary>True once someone approved it (interactively or with -Yes).</summary>
        public bool Approved { get; set; }
        /// <summary>When it was approved.</summary>
        public DateTimeOffset? ApprovedAt { get; set; }
        /// <summary>Who approved it (<c>user@host</c>).</summary>
        public string? ApprovedBy { get; set; }
        /// <summary>When it was run.</summary>
        public DateTimeOffset? ExecutedAt { get; set; }
        /// <summary>The execution that ran it.</summary>
        public string? ExecutionId { get; set; }
        /// <summary>Where it was loaded from (a path, URL or GitHub reference); not written to the file.</summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public string? Origin { get; set; }

        /// <summary>The agent name, or null for a team (for tables).</summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public string? Agent => Recommended.IsTeam ? null : Recommended.Name;

        /// <summary>The team name, or null for an agent (for tables).</summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public string? Team => Recommended.IsTeam ? Recommended.Name : null;

        /// <inheritdoc />
        public override string ToString() => $"{PlanId} {Recommended.Name}";
    }

    /// <summary>The agent or team a plan runs, named (not copied) with a hash of its definition.</summary>
    public sealed class PlanTarget
    {
        /// <summary>Agent or team name.</summary>
        public string Name { get; set; } = "";
        /// <summary><c>runbook</c>, <c>llm</c> or <c>team</c>.</summary>
        public string Kind { get; set; } = "";
        /// <summary>SHA-256 of the definition when planned (<c>sha256:HEX</c>).</summary>
        public string DefinitionHash { get; set; } = "";
        /// <summary>Why it was chosen.</summary>
        public string Reasoning { get; set; } = "";
        /// <summary>Ranker score (null when a model chose).</summary>
        public double? Score { get; set; }

        /// <summary>True for a team.</summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public bool IsTeam => Kind == Agents.AgentKind.Team;
    }

    /// <summary>A candidate that was not chosen.</summary>
    public sealed class PlanAlternative
    {
        /// <summary>Agent or team name.</summary>
        public string Name { get; set; } = "";
        /// <summary><c>runbook</c>, <c>llm</c> or <c>team</c>.</summary>
        public string Kind { get; set; } = "";
        /// <summary>Ranker score, when ranked.</summary>
        public double? Score { get; set; }
        /// <summary>Why it could fit.</summary>
        public string Reasoning { get; set; } = "";
    }

    /// <summary>Where a plan runs.</summary>
    public sealed class PlanQueue
    {
        /// <summary>Queue name; null when it runs on an ephemeral local worker.</summary>
        public string? Name { get; set; }
        /// <summary>True to run on an ephemeral worker in the calling process.</summary>
        public bool Local { get; set; }
        /// <summary>Workers polling the queue when planned.</summary>
        public int LiveWorkers { get; set; }
        /// <summary>Why this queue.</summary>
        public string Reason { get; set; } = "";

        /// <inheritdoc />
        public override string ToString() => Local ? "local" : $"{Name} ({LiveWorkers} worker(s))";
    }

    /// <summary>One step of a plan.</summary>
    public sealed class PlanStep
    {
        /// <summary>Step name (<c>member/step</c> for teams).</summary>
        public string Name { get; set; } = "";
        /// <summary>shell, powershell, approval, changes, or model for an llm agent.</summary>
        public string Kind { get; set; } = "";
        /// <summary>Command, question, or model and tools, as one line.</summary>
        public string Detail { get; set; } = "";

        /// <inheritdoc />
        public override string ToString() => $"{Name} [{Kind}] {Detail}";
    }

    /// <summary>Something a run may change or wait for.</summary>
    public sealed class PlanRisk
    {
        /// <summary><c>writes-files</c>, <c>shell-command</c>, <c>approval</c>, <c>tool</c>, <c>agent-changed</c>.</summary>
        public string Kind { get; set; } = "";
        /// <summary>The step it comes from.</summary>
        public string Step { get; set; } = "";
        /// <summary>What it is, in one line.</summary>
        public string Description { get; set; } = "";

        /// <inheritdoc />
        public override string ToString() => $"{Kind}: {Step}: {Description}";
    }

    /// <summary>Duration and cost estimate; null numbers mean "no basis", never a guess.</summary>
    public sealed class PlanEstimate
    {
        /// <summary>Median duration of past successful runs, in seconds.</summary>
        public double? DurationP50Seconds { get; set; }
        /// <summary>90th percentile duration of past successful runs, in seconds.</summary>
        public double? DurationP90Seconds { get; set; }
        /// <summary>How many past runs the durations come from.</summary>
        public int HistorySamples { get; set; }
        /// <summary>Estimated input tokens (llm agents).</summary>
        public long? InputTokens { get; set; }
        /// <summary>Estimated output tokens (llm agents).</summary>
        public long? OutputTokens { get; set; }
        /// <summary>Estimated cost in USD (llm agents with a known model price).</summary>
        public double? CostUsd { get; set; }
        /// <summary>Model the cost is for.</summary>
        public string? Model { get; set; }
        /// <summary>Turns the token estimate assumes.</summary>
        public int? Turns { get; set; }
        /// <summary>How the numbers were found, in words (e.g. "no history yet").</summary>
        public string Basis { get; set; } = "";

        /// <inheritdoc />
        public override string ToString() => Basis;
    }
}
