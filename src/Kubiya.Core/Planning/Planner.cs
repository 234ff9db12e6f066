using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Agents;
using Kubiya.Core.Agents.Llm.Models;
using Kubiya.Core.Errors;

namespace Kubiya.Core.Planning
{
    /// <summary>
    /// Makes plans: discovers the agents and teams (never the built-in shell/powershell), picks one
    /// with the configured model or the offline ranker, chooses the queue, estimates from history
    /// and lists the risks. Does not run or save anything.
    /// </summary>
    public sealed class Planner
    {
        /// <summary>Share of the prompt's words a match must cover, unless its score is at least <see cref="StrongScore"/>.</summary>
        public const double MinCoverage = 0.3;
        /// <summary>A score this high fits even when the prompt has many other words.</summary>
        public const double StrongScore = 2.0;
        /// <summary>A runner-up scoring at least this share of the best is a close candidate.</summary>
        public const double CloseRatio = 0.85;
        private const int HistoryLimit = 50;

        private readonly AgentCatalog catalog;
        private readonly IPlanningEnvironment environment;
        private readonly IModelGateway? gateway;
        private readonly string? defaultModel;
        private readonly string? defaultEnvironment;

        /// <summary>Creates a planner.</summary>
        /// <param name="catalog">Agents and teams.</param>
        /// <param name="environment">History and queues.</param>
        /// <param name="gateway">Models, or null when none is configured (offline).</param>
        /// <param name="defaultModel">KUBIYA_MODEL: plans with this model when set and a gateway exists.</param>
        /// <param name="defaultEnvironment">ENVIRONMENT_NAME.</param>
        public Planner(AgentCatalog catalog, IPlanningEnvironment environment, IModelGateway? gateway, string? defaultModel, string? defaultEnvironment)
        {
            this.catalog = catalog;
            this.environment = environment;
            this.gateway = gateway;
            this.defaultModel = defaultModel;
            this.defaultEnvironment = defaultEnvironment;
            Candidates = CandidateBuilder.FromCatalog(catalog);
            Ranker = new OfflineRanker(Candidates);
        }

        /// <summary>The candidates planning chooses from.</summary>
        public IReadOnlyList<PlanningCandidate> Candidates { get; }

        /// <summary>The offline ranker over <see cref="Candidates"/>.</summary>
        public OfflineRanker Ranker { get; }

        /// <summary>
        /// Plans <paramref name="request"/>. Throws <see cref="PlanErrors.NoAgentMatched"/> when no
        /// agent fits; <paramref name="warn"/> hears about model fallbacks.
        /// </summary>
        public async Task<KubiyaPlan> PlanAsync(PlanningRequest request, Action<string>? warn, CancellationToken cancellationToken)
        {
            if (string.IsNullOrWhiteSpace(request.Prompt))
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "PromptRequired", "The prompt must not be empty.", null);
            var ranked = Ranker.Rank(request.Prompt);
            if (Candidates.Count == 0)
                throw new KubiyaException(KubiyaErrorKind.NotFound, PlanErrors.NoAgentMatched,
                    "No agent fits: there are no agents or teams besides the built-in shell and powershell, which planning never picks. " +
                    "Add agent files to ~/.kubiya/agents or ./.kubiya/agents, or name one with {-Agent}.", request.Prompt);

            var model = request.Offline ? null : request.Model ?? defaultModel;
            ModelSelection? selection = null;
            if (model != null && gateway != null)
                selection = await new LlmPlanSelector(gateway, model).SelectAsync(request.Prompt, ranked, warn, cancellationToken).ConfigureAwait(false);
            else if (request.Model != null && gateway == null)
                warn?.Invoke($"No model gateway is configured, so model '{request.Model}' cannot plan; the offline ranker chose.");

            RankedCandidate chosen;
            if (selection != null)
            {
                chosen = ranked.First(r => r.Candidate.Name == selection.Agent);
            }
            else
            {
                chosen = ranked[0];
                if (!Fits(chosen))
                    throw NoAgentMatched(request.Prompt, ranked);
            }
            var plan = await BuildAsync(request, chosen, ranked, selection, model, cancellationToken).ConfigureAwait(false);
            return plan;
        }

        /// <summary>
        /// True when a ranked candidate fits the prompt: it covers enough of the prompt's words (one
        /// word among many, the "team" of "order pizza for the team lunch", is chance), or scores
        /// high. Coverage does not depend on the catalogue's size the way BM25 scores do, so a
        /// catalogue of two agents plans as well as one of two hundred.
        /// </summary>
        public static bool Fits(RankedCandidate r) =>
            r.Score > 0 && (r.Coverage >= MinCoverage || r.Score >= StrongScore);

        /// <summary>
        /// The plan for <paramref name="name"/> instead of the recommendation (an interactive choice
        /// among close candidates); keeps the plan id.
        /// </summary>
        public async Task<KubiyaPlan> ChooseAsync(KubiyaPlan plan, string name, PlanningRequest request, CancellationToken cancellationToken)
        {
            var ranked = Ranker.Rank(plan.Prompt);
            var chosen = ranked.FirstOrDefault(r => string.Equals(r.Candidate.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new KubiyaException(KubiyaErrorKind.NotFound, PlanErrors.AgentNotFound, $"'{name}' is not one of the agents planning can choose.", name);
            var replanned = await BuildAsync(request with { Prompt = plan.Prompt }, chosen, ranked, null, null, cancellationToken).ConfigureAwait(false);
            replanned.PlanId = plan.PlanId;
            replanned.SelectedBy = "user";
            replanned.Recommended.Reasoning = "chosen by the user among close candidates; " + chosen.Explanation;
            return replanned;
        }

        private async Task<KubiyaPlan> BuildAsync(PlanningRequest request, RankedCandidate chosen, List<RankedCandidate> ranked,
            ModelSelection? selection, string? model, CancellationToken ct)
        {
            var c = chosen.Candidate;
            var queue = await environment.ChooseQueueAsync(request.Queue, request.Local, ct).ConfigureAwait(false);
            var history = await environment.HistoryAsync(c.Name, c.Kind == AgentKind.Team, HistoryLimit, ct).ConfigureAwait(false);
            var llm = LlmFactsOf(c);
            var estimateModel = c.Model ?? defaultModel;
            var estimate = PlanEstimator.Estimate(c, history, request.Prompt, llm, estimateModel, gateway == null ? null : (Func<string, ModelPrice?>)gateway.PriceOf);

            var others = ranked.Where(r => r.Candidate.Name != c.Name).ToList();
            var alternatives = new List<PlanAlternative>();
            if (selection != null)
            {
                foreach (var a in selection.Alternatives)
                {
                    var r = ranked.First(x => string.Equals(x.Candidate.Name, a.Name, StringComparison.OrdinalIgnoreCase));
                    alternatives.Add(new PlanAlternative { Name = r.Candidate.Name, Kind = r.Candidate.Kind, Score = Round(r.Score), Reasoning = a.Reasoning });
                }
            }
            foreach (var r in others.Where(r => r.Score > 0).Take(2))
                if (!alternatives.Any(a => a.Name == r.Candidate.Name))
                    alternatives.Add(new PlanAlternative { Name = r.Candidate.Name, Kind = r.Candidate.Kind, Score = Round(r.Score), Reasoning = r.Explanation });

            var close = selection == null && others.Count > 0 && others[0].Score >= CloseRatio * chosen.Score && chosen.Score > 0;
            var where = queue.Local ? "an ephemeral local worker" : $"queue '{queue.Name}'";
            return new KubiyaPlan
            {
                PlanId = PlanStore.NewId(),
                Prompt = request.Prompt,
                Title = selection?.Title ?? TitleOf(request.Prompt),
                Summary = selection?.Summary ?? $"{KindWord(c.Kind)} '{c.Name}' runs {c.Steps.Count} step(s) on {where}" + (c.Description.Length > 0 ? ": " + c.Description : "."),
                Recommended = new PlanTarget
                {
                    Name = c.Name,
                    Kind = c.Kind,
                    DefinitionHash = c.DefinitionHash,
                    Reasoning = selection?.Reasoning ?? "best match of the offline ranker, " + chosen.Explanation,
                    Score = selection == null ? Round(chosen.Score) : null,
                },
                Alternatives = alternatives,
                CloseCandidates = close,
                Queue = queue,
                Environment = request.Environment ?? defaultEnvironment,
                Steps = c.Steps.Select(s => new PlanStep { Name = s.Name, Kind = s.Kind, Detail = s.Detail }).ToList(),
                Estimate = estimate,
                Risks = RiskAnalyzer.Analyze(c.Steps, c.Tools),
                SelectedBy = selection != null ? "model:" + model : "ranker",
                CreatedAt = DateTimeOffset.Now,
            };
        }

        private LlmAgentFacts? LlmFactsOf(PlanningCandidate c)
        {
            if (c.Kind == AgentKind.Llm) return LlmAgentFacts.Of(catalog.Get(c.Name));
            if (c.Kind != AgentKind.Team) return null;
            // A team's llm members: the estimate counts the first one (the others show in the steps).
            foreach (var m in c.Members)
            {
                try
                {
                    var a = catalog.Get(m);
                    if (a.Kind == AgentKind.Llm) return LlmAgentFacts.Of(a);
                }
                catch (KubiyaException)
                {
                }
            }
            return null;
        }

        private KubiyaException NoAgentMatched(string prompt, List<RankedCandidate> ranked)
        {
            var closest = ranked.Where(r => r.Score > 0).Take(3).ToList();
            var list = closest.Count > 0
                ? "Closest: " + string.Join("; ", closest.Select(r => $"{r.Candidate.Name} ({r.Score.ToString("0.00", CultureInfo.InvariantCulture)}, {Describe(r.Candidate)})"))
                : "Known agents: " + string.Join(", ", ranked.Take(8).Select(r => r.Candidate.Name)) + (ranked.Count > 8 ? $" and {ranked.Count - 8} more" : "");
            return new KubiyaException(KubiyaErrorKind.NotFound, PlanErrors.NoAgentMatched,
                $"No agent fits \"{Short(prompt, 60)}\". {list}. Name one with {{-Agent}}, or add an agent whose description or tags say what the task does.", prompt);
        }

        private static string Describe(PlanningCandidate c) => c.Description.Length > 0 ? Short(c.Description, 50) : c.Kind;

        private static string TitleOf(string prompt)
        {
            var t = string.Join(" ", prompt.Split(new[] { ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries));
            t = Short(t, 70);
            return t.Length == 0 ? t : char.ToUpperInvariant(t[0]) + t.Substring(1);
        }

        private static string KindWord(string kind) => kind == AgentKind.Team ? "Team" : kind == AgentKind.Llm ? "LLM agent" : "Runbook";

        private static string Short(string s, int n) => s.Length > n ? s.Substring(0, n - 3) + "..." : s;

        private static double Round(double v) => Math.Round(v, 2);
    }
}
