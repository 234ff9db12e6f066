using Kubiya.Core.Agents.Llm.Models;
using Kubiya.Core.Configuration;

namespace Kubiya.Core.Planning
{
    /// <summary>The model gateway planning uses: the same model list (models.yaml, OPENAI_*) as llm agents.</summary>
    public static class PlanningModels
    {
        /// <summary>
        /// The gateway for planning and for llm agents' prices. It plans only when a model is named
        /// (<paramref name="model"/>, else KUBIYA_MODEL); a model list that cannot be read makes every
        /// call fail, which planning reports as a warning before the offline ranker decides.
        /// </summary>
        public static IModelGateway GatewayFor(KubiyaSettings settings, string? model, string? modelConfigPath) =>
            ModelGateway.ForWorker(new ModelCatalogOptions { ConfigFile = modelConfigPath }, settings.Paths);
    }
}
