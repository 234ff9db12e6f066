using System;
using Kubiya.Core.Activities;

namespace Kubiya.Core.Workers
{
    /// <summary>How to run a worker.</summary>
    public sealed record WorkerHostOptions
    {
        /// <summary>Queue (Temporal task queue) to poll.</summary>
        public string Queue { get; init; } = "";
        /// <summary>Concurrent steps; null = configured default.</summary>
        public int? MaxConcurrentActivities { get; init; }
        /// <summary>Concurrent workflow tasks; null = configured default.</summary>
        public int? MaxConcurrentWorkflows { get; init; }
        /// <summary>An ephemeral worker removes its queue folder when it stops (used by local executions).</summary>
        public bool Ephemeral { get; init; }
        /// <summary>Receives every formatted log line (e.g. a job's output).</summary>
        public Action<Logging.LogSeverity, string>? LogSink { get; init; }
        /// <summary>Also log to the console.</summary>
        public bool Console { get; init; }
        /// <summary>Log to the queue's worker.log; off when a supervisor captures the console into it.</summary>
        public bool FileLogging { get; init; } = true;
        /// <summary>Folder for steps of executions that name none; null = the process's current folder.</summary>
        public string? DefaultWorkingDirectory { get; init; }
        /// <summary>Model configuration file (LiteLLM <c>model_list</c> YAML); null = <c>~/.kubiya/models.yaml</c> when present.</summary>
        public string? ModelConfigPath { get; init; }
        /// <summary>Model configuration as JSON text (wins over <see cref="ModelConfigPath"/>).</summary>
        public string? ModelConfigJson { get; init; }
        /// <summary>Model gateway and tools for llm agents; null = the production ones (set by benchmarks and embedders).</summary>
        public Agents.Llm.Loop.LlmWorkerServices? LlmServices { get; init; }
        /// <summary>How long running steps may finish when the worker stops.</summary>
        public TimeSpan GracefulShutdown { get; init; } = TimeSpan.FromSeconds(5);
    }

    /// <summary>Lifecycle of a worker host.</summary>
    public enum WorkerState
    {
        /// <summary>Connecting.</summary>
        Starting,
        /// <summary>Polling its queue.</summary>
        Running,
        /// <summary>Finishing running steps.</summary>
        Stopping,
        /// <summary>Stopped on request.</summary>
        Stopped,
        /// <summary>Stopped by an error.</summary>
        Failed,
    }
}
