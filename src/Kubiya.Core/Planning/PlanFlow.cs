using System;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Agents;
using Kubiya.Core.Agents.Llm.Models;
using Kubiya.Core.Executions;
using Kubiya.Core.Workers;

namespace Kubiya.Core.Planning
{
    /// <summary>
    /// The planning steps every front takes, in one place: plan (or load) a plan, check it
    /// against the agents as they are now, record approval, run it and record the execution in
    /// the saved plan. Fronts only ask the person (ShouldProcess, a terminal question) in between.
    /// </summary>
    public sealed class PlanFlow
    {
        private readonly KubiyaRuntime runtime;
        private readonly string lookupDirectory;
        private readonly IModelGateway? gateway;

        /// <summary>Creates the flow; agents are looked up from <paramref name="lookupDirectory"/>.</summary>
        public PlanFlow(KubiyaRuntime runtime, string lookupDirectory, IModelGateway? gateway = null)
        {
            this.runtime = runtime;
            this.lookupDirectory = lookupDirectory;
            this.gateway = gateway;
            Store = new PlanStore(runtime.Settings.Paths);
        }

        /// <summary>The plan store.</summary>
        public PlanStore Store { get; }

        /// <summary>The agents as they are now.</summary>
        public AgentCatalog Catalog() => runtime.Agents(lookupDirectory);

        /// <summary>A planner over the current catalogue, history and queues.</summary>
        public Planner Planner() =>
            new Planner(Catalog(), new RuntimePlanningEnvironment(runtime), gateway, runtime.Settings.Model, runtime.Settings.Environment);

        /// <summary>Plans <paramref name="request"/> and saves the plan (and to <paramref name="savePath"/> when given).</summary>
        public async Task<KubiyaPlan> PlanAsync(PlanningRequest request, string? savePath, Action<string>? warn, CancellationToken cancellationToken)
        {
            var plan = await Planner().PlanAsync(request, warn, cancellationToken).ConfigureAwait(false);
            Store.Save(plan, savePath);
            return plan;
        }

        /// <summary>Loads a plan from a plan id, path, https URL or <c>owner/repo/path[@ref]</c>.</summary>
        public Task<KubiyaPlan> LoadAsync(string source, CancellationToken cancellationToken) =>
            new PlanLoader(Store, PlanSourceOptions.FromEnvironment()).LoadAsync(source, lookupDirectory, cancellationToken);

        /// <summary>Checks <paramref name="plan"/> against the agents now (AgentNotFound when its agent is gone).</summary>
        public PlanCheck Check(KubiyaPlan plan) => PlanCheck.Of(plan, Catalog());

        /// <summary>Records approval and saves the plan.</summary>
        public void Approve(KubiyaPlan plan, PlanCheck check, string? savePath)
        {
            PlanRecorder.Approve(plan, check);
            Store.Save(plan, savePath);
        }

        /// <summary>
        /// Runs an approved plan with the caller's other options (priority, wait, cwd...); the saved
        /// plan records the execution id as soon as it is submitted, and again when it ends.
        /// </summary>
        public async Task<ExecutionInfo> RunAsync(KubiyaPlan plan, ExecutionRequest options, string? savePath, ExecObserver observer,
            ILocalWorkerLauncher? launcher, CancellationToken cancellationToken)
        {
            if (!plan.Approved)
                throw new Errors.KubiyaException(Errors.KubiyaErrorKind.InvalidState, PlanErrors.PlanApprovalRequired, $"Plan {plan.PlanId} is not approved.", plan.PlanId);
            var request = PlanRecorder.ToRequest(plan, options);
            var submitted = observer.Submitted;
            observer.Submitted = e =>
            {
                PlanRecorder.Executed(plan, e);
                Store.Save(plan, savePath);
                submitted?.Invoke(e);
            };
            return await runtime.Exec.RunAsync(request, lookupDirectory, observer, launcher, cancellationToken).ConfigureAwait(false);
        }
    }
}
