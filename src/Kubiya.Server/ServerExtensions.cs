using Kubiya.Server.Engine;
using Kubiya.Server.Visibility;

namespace Kubiya.Server;

/// <summary>
/// Extension points wired at start-up: services registered before the host is built and
/// engine hooks attached once it is (visibility and updates plug in here).
/// </summary>
public static class ServerExtensions
{
    public static void Configure(IServiceCollection services)
    {
        services.AddSingleton<VisibilityService>();
        services.AddSingleton<Engine.Schedules.ScheduleService>();
        services.AddSingleton<Engine.Standalone.StandaloneActivityService>();
    }

    public static void Attach(IServiceProvider services, WorkflowEngine engine)
    {
        services.GetRequiredService<VisibilityService>().Attach(engine);
        // After visibility: schedules chain onto its save hook and use its search attribute validation.
        services.GetRequiredService<Engine.Schedules.ScheduleService>().Attach(engine);
        engine.Standalone = services.GetRequiredService<Engine.Standalone.StandaloneActivityService>();
    }
}
