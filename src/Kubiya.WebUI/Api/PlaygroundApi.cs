using System.Text.Json;
using Kubiya.Core.Errors;
using Kubiya.Core.Executions;
using Kubiya.WebUI.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Kubiya.WebUI.Api;

/// <summary>
/// The Playground: starts an execution of an agent on the UI's queue (served by its worker), in
/// the working directory given; the page then follows its log stream.
/// </summary>
internal static class PlaygroundApi
{
    public static void MapPlaygroundApi(this IEndpointRouteBuilder app, WebUIContext ui)
    {
        app.MapPost("/api/playground/run", (HttpRequest r, CancellationToken ct) => ApiResults.Try(async () =>
        {
            using var doc = r.HasJsonContentType() ? await JsonDocument.ParseAsync(r.Body, cancellationToken: ct) : null;
            string? Get(string name) => doc?.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var prompt = Get("prompt") ?? "";
            var agent = Get("agent");
            var directory = Get("workingDirectory") is { Length: > 0 } d ? d : ui.Options.WorkingDirectory;
            var queue = Get("queue") is { Length: > 0 } q ? q : ui.Options.Queue ?? ui.Runtime.Settings.Queue;
            if (string.IsNullOrWhiteSpace(agent))
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "AgentRequired", "Pick an agent to run.", null);
            if (queue == null)
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "QueueRequired", "This UI belongs to no worker and no default queue is configured: give a queue.", null);
            if (!Directory.Exists(directory))
                throw new KubiyaException(KubiyaErrorKind.NotFound, "WorkingDirectoryNotFound", $"The working directory '{directory}' does not exist.", directory);
            var executions = await ui.Runtime.ExecutionsAsync(ct);
            var request = new ExecutionRequest { Prompt = prompt, Agent = agent, WorkingDirectory = Path.GetFullPath(directory), Queue = queue, NonInteractive = false };
            var started = await executions.StartAsync(request, queue, Path.GetFullPath(directory), ct);
            ui.Feed.PublishChanges(new[] { started });
            return ApiResults.Json(ui.Views.Execution(started), 201);
        }));
    }
}
