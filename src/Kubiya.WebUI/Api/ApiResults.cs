using Kubiya.Core.Errors;
using Microsoft.AspNetCore.Http;

namespace Kubiya.WebUI.Api;

/// <summary>Answers and errors in the API's one shape: <c>{ error, errorId }</c> with a fitting status.</summary>
internal static class ApiResults
{
    public static IResult Json(object? value, int status = 200) => Results.Json(value, WebUIJson.Options, statusCode: status);

    public static IResult Error(int status, string errorId, string message) => Json(new { error = message, errorId }, status);

    /// <summary>Runs <paramref name="action"/>, turning the runtime's errors into JSON errors.</summary>
    public static async Task<IResult> Try(Func<Task<IResult>> action)
    {
        try { return await action(); }
        catch (KubiyaException ex)
        {
            var status = ex.Kind switch
            {
                KubiyaErrorKind.NotFound => 404,
                KubiyaErrorKind.InvalidArgument or KubiyaErrorKind.InvalidDefinition => 400,
                KubiyaErrorKind.InvalidState => 409,
                KubiyaErrorKind.ServerUnreachable => 503,
                _ => 500,
            };
            return Error(status, ex.ErrorId, ex.Message);
        }
        catch (OperationCanceledException) { return Error(499, "Cancelled", "The request was cancelled."); }
        catch (Exception ex) when (ex is Temporalio.Exceptions.RpcException)
        {
            return Error(503, "TemporalUnreachable", WebUIContext.Describe(ex));
        }
    }
}
