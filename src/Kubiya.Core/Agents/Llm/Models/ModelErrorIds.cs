namespace Kubiya.Core.Agents.Llm.Models
{
    /// <summary>The error ids of model configuration and model calls (ErrorRecord ids, CLI messages).</summary>
    public static class ModelErrorIds
    {
        /// <summary>No configured model answers to the name.</summary>
        public const string NotFound = "ModelNotFound";
        /// <summary>The endpoint refused the key (401/403).</summary>
        public const string AuthFailed = "ModelAuthFailed";
        /// <summary>The endpoint could not be reached or did not answer in time.</summary>
        public const string Unreachable = "ModelUnreachable";
        /// <summary>The endpoint asked to slow down (429).</summary>
        public const string RateLimited = "ModelRateLimited";
        /// <summary>The endpoint answered with an error or something that is not a chat completion.</summary>
        public const string BadResponse = "ModelBadResponse";
        /// <summary>models.yaml (or the JSON given instead) is malformed, or a referenced variable is missing.</summary>
        public const string ConfigInvalid = "ModelConfigInvalid";
    }
}
