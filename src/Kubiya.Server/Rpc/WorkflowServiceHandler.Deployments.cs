using Grpc.Core;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Rpc;

/// <summary>Worker deployment and versioning RPCs (Engine/WorkflowEngine.Deployments.cs, .Versioning.cs, .ExecutionOptions.cs).</summary>
public sealed partial class WorkflowServiceHandler
{
    public Task<DescribeWorkerDeploymentResponse> DescribeWorkerDeployment(DescribeWorkerDeploymentRequest r, ServerCallContext ctx) =>
        engine.DescribeWorkerDeploymentAsync(r);

    public Task<ListWorkerDeploymentsResponse> ListWorkerDeployments(ListWorkerDeploymentsRequest r, ServerCallContext ctx) =>
        engine.ListWorkerDeploymentsAsync(r);

    public Task<DescribeWorkerDeploymentVersionResponse> DescribeWorkerDeploymentVersion(DescribeWorkerDeploymentVersionRequest r, ServerCallContext ctx) =>
        engine.DescribeWorkerDeploymentVersionAsync(r);

    public Task<SetWorkerDeploymentCurrentVersionResponse> SetWorkerDeploymentCurrentVersion(SetWorkerDeploymentCurrentVersionRequest r, ServerCallContext ctx) =>
        engine.SetWorkerDeploymentCurrentVersionAsync(r);

    public Task<SetWorkerDeploymentRampingVersionResponse> SetWorkerDeploymentRampingVersion(SetWorkerDeploymentRampingVersionRequest r, ServerCallContext ctx) =>
        engine.SetWorkerDeploymentRampingVersionAsync(r);

    public Task<UpdateWorkerDeploymentVersionMetadataResponse> UpdateWorkerDeploymentVersionMetadata(UpdateWorkerDeploymentVersionMetadataRequest r, ServerCallContext ctx) =>
        engine.UpdateWorkerDeploymentVersionMetadataAsync(r);

    public Task<DeleteWorkerDeploymentVersionResponse> DeleteWorkerDeploymentVersion(DeleteWorkerDeploymentVersionRequest r, ServerCallContext ctx) =>
        engine.DeleteWorkerDeploymentVersionAsync(r);

    public Task<DeleteWorkerDeploymentResponse> DeleteWorkerDeployment(DeleteWorkerDeploymentRequest r, ServerCallContext ctx) =>
        engine.DeleteWorkerDeploymentAsync(r);

    public Task<CreateWorkerDeploymentResponse> CreateWorkerDeployment(CreateWorkerDeploymentRequest r, ServerCallContext ctx) =>
        engine.CreateWorkerDeploymentAsync(r);

    public Task<CreateWorkerDeploymentVersionResponse> CreateWorkerDeploymentVersion(CreateWorkerDeploymentVersionRequest r, ServerCallContext ctx) =>
        engine.CreateWorkerDeploymentVersionAsync(r);

    public Task<SetWorkerDeploymentManagerResponse> SetWorkerDeploymentManager(SetWorkerDeploymentManagerRequest r, ServerCallContext ctx) =>
        engine.SetWorkerDeploymentManagerAsync(r);

    public Task<UpdateWorkflowExecutionOptionsResponse> UpdateWorkflowExecutionOptions(UpdateWorkflowExecutionOptionsRequest r, ServerCallContext ctx) =>
        engine.UpdateWorkflowExecutionOptionsAsync(r);
}
