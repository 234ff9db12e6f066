using Kubiya.Core.Agents.Llm.Models;
using Kubiya.Core.Configuration;
using Kubiya.Core.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Kubiya.WebUI.Api;

/// <summary>Overview, Doctor, Environment, Models and the agent list of the Playground.</summary>
internal static class SystemApi
{
    public static void MapSystemApi(this IEndpointRouteBuilder app, WebUIContext ui)
    {
        app.MapGet("/api/overview", (CancellationToken ct) => ApiResults.Try(async () => ApiResults.Json(await ui.OverviewAsync(ct))));

        app.MapGet("/api/doctor", (CancellationToken ct) => ApiResults.Try(async () =>
        {
            var doctor = new Doctor(ui.Runtime, ui.Options.Queue, ui.Options.WorkingDirectory, ui.Options.ModelConfigPath);
            var checks = await doctor.RunAsync(ct);
            var overall = checks.Any(c => c.Status == DoctorStatus.Fail) ? DoctorStatus.Fail
                : checks.Any(c => c.Status == DoctorStatus.Warn) ? DoctorStatus.Warn : DoctorStatus.Pass;
            return ApiResults.Json(new { status = overall, checks });
        }));

        app.MapGet("/api/environment", () => ApiResults.Try(() =>
        {
            var settings = SettingSource.Describe(ui.Runtime.Settings.Paths, Environment.GetEnvironmentVariable);
            return Task.FromResult(ApiResults.Json(new
            {
                configFile = ui.Runtime.Settings.Paths.ConfigFile,
                workerConfigFile = ui.Runtime.Settings.Paths.WorkerConfigFile,
                settings,
                ui = new { port = ui.Port, queue = ui.Options.Queue, workingDirectory = ui.Options.WorkingDirectory, modelConfig = ui.Options.ModelConfigPath },
            }));
        }));

        app.MapGet("/api/models", () => ApiResults.Try(() =>
        {
            var catalog = LoadModels(ui);
            var models = catalog.Models.Select(m => new
            {
                name = m.Name,
                provider = m.Provider,
                providerModel = m.ProviderModel,
                apiBase = m.ApiBase,
                keyPresent = Doctor.KeyPresent(m),
                inputCostPerToken = m.Price?.InputPerToken,
                outputCostPerToken = m.Price?.OutputPerToken,
                maxTokens = m.MaxTokens,
            }).ToList();
            return Task.FromResult(ApiResults.Json(new { source = catalog.Source, defaultModel = ui.Runtime.Settings.Model, models, warnings = catalog.Warnings }));
        }));

        app.MapPost("/api/models/{name}/test", (string name, CancellationToken ct) => ApiResults.Try(async () =>
        {
            var catalog = LoadModels(ui);
            if (!catalog.Contains(name)) return ApiResults.Error(404, "ModelNotFound", $"No model named '{name}' in {catalog.Source ?? "the model configuration"}.");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            return ApiResults.Json(await ModelProbe.TestAsync(catalog, name, timeout.Token));
        }));

        app.MapGet("/api/agents", (HttpRequest r) => ApiResults.Try(() =>
        {
            var directory = r.Query["workingDirectory"].FirstOrDefault() is { Length: > 0 } d ? d : ui.Options.WorkingDirectory;
            var catalog = ui.Runtime.Agents(directory);
            var agents = catalog.Agents.Select(a => new { name = a.Name, kind = a.Kind, description = a.Description, model = a.Model, steps = a.Steps.Count, source = a.Source }).ToList();
            return Task.FromResult(ApiResults.Json(new { workingDirectory = directory, agents, errors = catalog.Errors.Select(e => e.Message).ToList() }));
        }));

        app.MapGet("/api/session", () => ApiResults.Json(new { version = WebUIContext.Version, queue = ui.Options.Queue, defaultQueue = ui.Runtime.Settings.Queue, port = ui.Port, workingDirectory = ui.Options.WorkingDirectory, hostedByWorker = ui.Options.Worker != null }));
    }

    private static ModelCatalog LoadModels(WebUIContext ui) =>
        ModelCatalog.Load(new ModelCatalogOptions { ConfigFile = ui.Options.ModelConfigPath }, ui.Runtime.Settings.Paths, Environment.GetEnvironmentVariable);
}
