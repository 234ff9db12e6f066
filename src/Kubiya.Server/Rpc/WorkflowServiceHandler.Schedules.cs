using Grpc.Core;
using Kubiya.Server.Engine.Schedules;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Rpc;

/// <summary>Schedule RPCs, served by <see cref="ScheduleService"/>.</summary>
public sealed partial class WorkflowServiceHandler
{
    private ScheduleService Schedules =>
        engine.Schedules ?? throw new RpcException(new Status(StatusCode.Unimplemented, "Schedules are not enabled on this server."));

    public Task<CreateScheduleResponse> CreateSchedule(CreateScheduleRequest r, ServerCallContext ctx) => Schedules.CreateAsync(r);

    public Task<DescribeScheduleResponse> DescribeSchedule(DescribeScheduleRequest r, ServerCallContext ctx) => Schedules.DescribeAsync(r);

    public Task<UpdateScheduleResponse> UpdateSchedule(UpdateScheduleRequest r, ServerCallContext ctx) => Schedules.UpdateAsync(r);

    public Task<PatchScheduleResponse> PatchSchedule(PatchScheduleRequest r, ServerCallContext ctx) => Schedules.PatchAsync(r);

    public Task<DeleteScheduleResponse> DeleteSchedule(DeleteScheduleRequest r, ServerCallContext ctx) => Schedules.DeleteAsync(r);

    public Task<ListSchedulesResponse> ListSchedules(ListSchedulesRequest r, ServerCallContext ctx) => Schedules.ListAsync(r);

    public Task<ListScheduleMatchingTimesResponse> ListScheduleMatchingTimes(ListScheduleMatchingTimesRequest r, ServerCallContext ctx) =>
        Schedules.MatchingTimesAsync(r);
}
