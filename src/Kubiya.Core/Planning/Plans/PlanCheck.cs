using System;
using System.Collections.Generic;
using Kubiya.Core.Agents;
using Kubiya.Core.Errors;

namespace Kubiya.Core.Planning
{
    /// <summary>
    /// What running a plan requires: its agent must still exist (else <see cref="PlanErrors.AgentNotFound"/>);
    /// a changed definition, a plan from elsewhere or one never approved needs approval first.
    /// </summary>
    public sealed class PlanCheck
    {
        /// <summary>True when the agent's definition hash differs from the plan's.</summary>
        public bool AgentChanged { get; private set; }
        /// <summary>The hash now.</summary>
        public string CurrentHash { get; private set; } = "";
        /// <summary>True when someone has to approve before it runs.</summary>
        public bool NeedsApproval => Reasons.Count > 0;
        /// <summary>Why approval is needed (empty when it is not).</summary>
        public List<string> Reasons { get; } = new List<string>();

        /// <summary>Checks <paramref name="plan"/> against <paramref name="catalog"/>.</summary>
        public static PlanCheck Of(KubiyaPlan plan, AgentCatalog catalog)
        {
            var name = plan.Recommended.Name;
            AgentDefinition agent;
            try
            {
                agent = catalog.Get(name);
            }
            catch (KubiyaException ex) when (ex.ErrorId == PlanErrors.AgentNotFound)
            {
                throw new KubiyaException(KubiyaErrorKind.NotFound, PlanErrors.AgentNotFound,
                    $"Plan {plan.PlanId} runs {(plan.Recommended.IsTeam ? "team" : "agent")} '{name}', which no longer exists. Make a new plan (New-KubiyaPlan / kubiya plan) or restore the agent file.", name, ex);
            }
            if (!CandidateBuilder.IsPlannable(agent))
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "PlanAgentNotPlannable",
                    $"Plan {plan.PlanId} names the built-in '{agent.Name}' agent, which runs the prompt itself as a command; plans never run it.", name);
            var check = new PlanCheck { CurrentHash = AgentHash.Of(agent, catalog) };
            check.AgentChanged = !string.Equals(check.CurrentHash, plan.Recommended.DefinitionHash, StringComparison.Ordinal)
                || !string.Equals(agent.Kind, plan.Recommended.Kind, StringComparison.Ordinal);
            if (check.AgentChanged)
                check.Reasons.Add($"'{name}' changed since the plan was made ({agent.Source}); the steps it runs now may differ from the plan");
            if (plan.Origin != null)
                check.Reasons.Add($"the plan comes from {plan.Origin}");
            if (!plan.Approved)
                check.Reasons.Add("the plan has not been approved");
            return check;
        }

        /// <summary>The error for a plan that needs approval where nobody can give it.</summary>
        public KubiyaException ApprovalRequired(KubiyaPlan plan)
        {
            var id = AgentChanged ? PlanErrors.PlanAgentChanged : PlanErrors.PlanApprovalRequired;
            return new KubiyaException(KubiyaErrorKind.InvalidState, id,
                $"Plan {plan.PlanId} needs approval: {string.Join("; ", Reasons)}. Review it and run again with {{-Yes}} to approve.", plan.PlanId);
        }
    }
}
