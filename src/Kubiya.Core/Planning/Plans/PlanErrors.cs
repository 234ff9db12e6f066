using Kubiya.Core.Errors;

namespace Kubiya.Core.Planning
{
    /// <summary>The specific errors of planning and plan files, one id each.</summary>
    public static class PlanErrors
    {
        /// <summary>Error id: no agent fits the prompt.</summary>
        public const string NoAgentMatched = "NoAgentMatched";
        /// <summary>Error id: the plan file or URL does not exist (404).</summary>
        public const string PlanNotFound = "PlanNotFound";
        /// <summary>Error id: the plan is not valid JSON.</summary>
        public const string PlanInvalidJson = "PlanInvalidJson";
        /// <summary>Error id: the plan is JSON but does not follow the plan schema.</summary>
        public const string PlanInvalid = "PlanInvalid";
        /// <summary>Error id: the plan's schemaVersion is not one this version reads.</summary>
        public const string PlanSchemaVersionUnsupported = "PlanSchemaVersionUnsupported";
        /// <summary>Error id: the plan names an agent that no longer exists.</summary>
        public const string AgentNotFound = "AgentNotFound";
        /// <summary>Error id: the agent's definition changed since planning and nobody approved again.</summary>
        public const string PlanAgentChanged = "PlanAgentChanged";
        /// <summary>Error id: the plan source could not be fetched (network, permissions).</summary>
        public const string PlanFetchFailed = "PlanFetchFailed";
        /// <summary>Error id: the plan source is neither a path, an https URL nor owner/repo/path[@ref].</summary>
        public const string PlanSourceInvalid = "PlanSourceInvalid";
        /// <summary>Error id: the plan needs approval and none could be asked for.</summary>
        public const string PlanApprovalRequired = "PlanApprovalRequired";

        internal static KubiyaException Create(KubiyaErrorKind kind, string id, string message, object? target = null, System.Exception? inner = null) =>
            new KubiyaException(kind, id, message, target, inner);
    }
}
