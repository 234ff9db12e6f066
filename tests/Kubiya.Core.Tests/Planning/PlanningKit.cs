using Kubiya.Core.Agents;
using Kubiya.Core.Configuration;
using Kubiya.Core.Executions;
using Kubiya.Core.Planning;

namespace Kubiya.Core.Tests.Planning;

/// <summary>A temp Kubiya home with agent files written as users write them, and helpers to plan over it.</summary>
internal sealed class PlanningKit : IDisposable
{
    public PlanningKit()
    {
        Root = Directory.CreateTempSubdirectory("kubiya-plan-").FullName;
        Paths = new KubiyaPaths(Path.Combine(Root, "home"));
        Work = Path.Combine(Root, "work");
        Directory.CreateDirectory(KubiyaPaths.ProjectAgentsDirectory(Work));
    }

    public string Root { get; }
    public string Work { get; }
    public KubiyaPaths Paths { get; }
    public string AgentsDirectory => KubiyaPaths.ProjectAgentsDirectory(Work);

    public PlanningKit Agent(string name, string yaml)
    {
        File.WriteAllText(Path.Combine(AgentsDirectory, name + ".yaml"), yaml);
        return this;
    }

    /// <summary>The small operations catalogue most tests plan over.</summary>
    public PlanningKit StandardAgents() => this
        .Agent("db-backup", """
            name: db-backup
            description: Takes a compressed dump of the PostgreSQL database and uploads it to the backup bucket.
            tags: [database, backup]
            steps:
              - name: dump
                shell: pg_dump --format=custom --file=/tmp/app.dump "$DATABASE_URL"
              - name: upload
                shell: aws s3 cp /tmp/app.dump s3://backups/
            """)
        .Agent("cert-renewal", """
            name: cert-renewal
            description: Renews TLS certificates that expire soon with certbot and reloads nginx.
            tags: [certificates, tls]
            steps:
              - name: renew
                shell: certbot renew --deploy-hook "systemctl reload nginx"
            """)
        .Agent("deploy-web", """
            name: deploy-web
            description: Deploys the web application to production after an approval.
            tags: [deploy, production]
            steps:
              - name: build
                shell: docker build -t web . > build.log
              - name: approve
                approval: Deploy to production?
              - name: rollout
                shell: kubectl rollout restart deployment/web
            """)
        .Agent("log-triage", """
            name: log-triage
            description: Groups the errors and exceptions in the last hour of application logs.
            tags: [logs, errors]
            steps:
              - name: collect
                shell: kubectl logs -l app=web --since=1h
            """);

    public AgentCatalog Catalog() => AgentCatalog.Load(Paths, Work);

    public Planner Planner(IPlanningEnvironment? env = null, Kubiya.Core.Agents.Llm.Models.IModelGateway? gateway = null, string? model = null) =>
        new Planner(Catalog(), env ?? new GivenEnvironment(), gateway, model, null);

    public void Dispose()
    {
        try { Directory.Delete(Root, true); } catch (IOException) { }
    }
}

/// <summary>
/// Planning inputs given by the test: past executions and the queue answer. The runtime's own
/// environment (visibility and pollers of a real server) is exercised by the module and CLI tests.
/// </summary>
internal sealed class GivenEnvironment : IPlanningEnvironment
{
    public List<ExecutionInfo> History { get; } = new();
    public PlanQueue Queue { get; set; } = new() { Local = true, Reason = "test: local" };

    public Task<IReadOnlyList<ExecutionInfo>> HistoryAsync(string name, bool isTeam, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ExecutionInfo>>(History.Where(h => (isTeam ? h.Team : h.Agent) == name).Take(limit).ToList());

    public Task<PlanQueue> ChooseQueueAsync(string? queue, bool local, CancellationToken cancellationToken) =>
        Task.FromResult(queue != null ? new PlanQueue { Name = queue, Reason = "named" } : Queue);
}
