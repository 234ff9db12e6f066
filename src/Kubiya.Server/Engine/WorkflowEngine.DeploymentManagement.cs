using Grpc.Core;
using Kubiya.Server.Engine.Deployments;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Engine;

/// <summary>
/// Worker deployments set up ahead of their workers (CreateWorkerDeployment,
/// CreateWorkerDeploymentVersion) and the deployment manager (SetWorkerDeploymentManager): while a
/// manager identity is set, only a client with that identity changes the deployment's routing or
/// deletes it or its versions; anyone may take over or clear the manager, as Temporal allows.
/// </summary>
public sealed partial class WorkflowEngine
{
    public Task<CreateWorkerDeploymentResponse> CreateWorkerDeploymentAsync(CreateWorkerDeploymentRequest r) =>
        MutateAsync(tx =>
        {
            Namespaces.Get(r.Namespace);
            CheckDeploymentName(r.DeploymentName);
            if (Deployments.Get(r.Namespace, r.DeploymentName) is { } existing)
            {
                if (r.RequestId.Length > 0 && r.RequestId == existing.CreateRequestId)
                    return new CreateWorkerDeploymentResponse { ConflictToken = TokenOf(existing) };
                throw ServerErrors.Make(StatusCode.AlreadyExists, $"Worker deployment '{r.DeploymentName}' already exists.");
            }
            var d = new DeploymentRecord
            {
                Namespace = r.Namespace,
                Name = r.DeploymentName,
                CreateTimeMs = Clock.NowMs(),
                LastModifierIdentity = r.Identity ?? "",
                CreateRequestId = r.RequestId ?? "",
            };
            Deployments.Put(d);
            SaveDeployment(tx, d);
            return new CreateWorkerDeploymentResponse { ConflictToken = TokenOf(d) };
        });

    public Task<CreateWorkerDeploymentVersionResponse> CreateWorkerDeploymentVersionAsync(CreateWorkerDeploymentVersionRequest r) =>
        MutateAsync(tx =>
        {
            Namespaces.Get(r.Namespace);
            var version = r.DeploymentVersion;
            if (version == null || version.DeploymentName.Length == 0 || version.BuildId.Length == 0)
                throw ServerErrors.InvalidArgument("DeploymentVersion needs a deployment name and a build id.");
            CheckDeploymentName(version.DeploymentName);
            if (r.ComputeConfig != null)
                throw ServerErrors.Unsupported("Compute configuration of worker deployment versions is not supported by Kubiya.Server; start the version's workers yourself.");
            var d = Deployments.Get(r.Namespace, version.DeploymentName);
            if (d?.Versions.TryGetValue(version.BuildId, out var existing) == true)
            {
                if (r.RequestId.Length > 0 && r.RequestId == existing!.CreateRequestId) return new CreateWorkerDeploymentVersionResponse();
                throw ServerErrors.Make(StatusCode.AlreadyExists, $"Worker deployment version {VersionKeys.Of(version)} already exists.");
            }
            if (d != null) CheckManager(d, r.Identity);
            var now = Clock.NowMs();
            if (d == null)
            {
                d = new DeploymentRecord { Namespace = r.Namespace, Name = version.DeploymentName, CreateTimeMs = now };
                Deployments.Put(d);
            }
            Deployments.Change(() => d.Versions[version.BuildId] = new VersionRecord
            {
                BuildId = version.BuildId,
                CreateTimeMs = now,
                LastModifierIdentity = r.Identity ?? "",
                CreateRequestId = r.RequestId ?? "",
            });
            Deployments.Put(d);
            SaveDeployment(tx, d);
            return new CreateWorkerDeploymentVersionResponse();
        });

    public Task<SetWorkerDeploymentManagerResponse> SetWorkerDeploymentManagerAsync(SetWorkerDeploymentManagerRequest r) =>
        MutateAsync(tx =>
        {
            Require(r.Identity, "Identity");
            var d = DeploymentOrThrow(r.Namespace, r.DeploymentName);
            if (!r.ConflictToken.IsEmpty && !r.ConflictToken.Equals(TokenOf(d)))
                throw Precondition($"Worker deployment '{d.Name}' changed since the conflict token was read; describe it again and retry.");
            var previous = d.ManagerIdentity;
            var manager = r.Self ? r.Identity : r.ManagerIdentity ?? "";
            if (manager != previous)
            {
                Deployments.Change(() =>
                {
                    d.ManagerIdentity = manager;
                    Routed(d, r.Identity);
                    return true;
                });
                SaveDeployment(tx, d);
            }
            return new SetWorkerDeploymentManagerResponse { ConflictToken = TokenOf(d), PreviousManagerIdentity = previous };
        });

    /// <summary>Refuses a change from anyone but the deployment's manager, when it has one.</summary>
    private static void CheckManager(DeploymentRecord d, string? identity)
    {
        if (d.ManagerIdentity.Length > 0 && d.ManagerIdentity != (identity ?? ""))
            throw Precondition($"Worker deployment '{d.Name}' is managed by '{d.ManagerIdentity}'; only that identity may change it " +
                               "(SetWorkerDeploymentManager can take over or clear the manager).");
    }

    private static void CheckDeploymentName(string name)
    {
        Require(name, "DeploymentName");
        if (name.Contains('.')) throw ServerErrors.InvalidArgument($"Worker deployment name '{name}' must not contain a dot.");
    }
}
