using System.CommandLine;
using System.Diagnostics;
using Kubiya.Cli.Infrastructure;
using Kubiya.Core.Deployment;

namespace Kubiya.Cli.Commands;

/// <summary><c>kubiya worker install</c> (Kubernetes manifests) and <c>worker start --type docker</c>.</summary>
internal static class WorkerDeployCommands
{
    public static Command Install()
    {
        var command = new Command("install", "Print the Kubernetes manifests of a queue's workers (Deployment, ConfigMap, Secret, HPA, PDB, Service, ServiceMonitor) for kubectl apply -f -.");
        var queue = new Option<string>("--queue-id", "--queue") { Description = "The queue the workers poll.", Required = true };
        var replicas = new Option<int>("--replicas") { Description = "Worker pods (also the autoscaler's minimum).", DefaultValueFactory = _ => 2 };
        var ns = new Option<string?>("--namespace") { Description = "Kubernetes namespace (default kubiya)." };
        var image = new Option<string?>("--image") { Description = $"Worker image (default {KubernetesManifests.DefaultImage})." };
        foreach (var o in new Option[] { queue, replicas, ns, image }) command.Add(o);
        command.SetAction(ctx =>
        {
            ctx.Output.Out.Write(KubernetesManifests.Render(ctx.Get(queue)!, ctx.Get(replicas), ctx.Get(ns), ctx.Get(image)));
            ctx.Output.Out.Flush();
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    /// <summary>Runs the worker image in the foreground through the docker CLI; its exit code is ours.</summary>
    public static async Task<int> RunDockerAsync(CommandContext ctx, string queue, string? image)
    {
        var docker = Environment.GetEnvironmentVariable("KUBIYA_DOCKER") is { Length: > 0 } d ? d : "docker";
        await DockerWorker.CheckAsync(docker, ctx.Cancellation);
        var psi = new ProcessStartInfo(docker) { UseShellExecute = false };
        foreach (var a in DockerWorker.RunArguments(ctx.Runtime.Settings, queue, image ?? KubernetesManifests.DefaultImage)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        // Ctrl+C reaches docker with us (one process group) and it stops the container.
        try { await p.WaitForExitAsync(ctx.Cancellation); }
        catch (OperationCanceledException) { await p.WaitForExitAsync(); }
        return p.ExitCode;
    }
}
