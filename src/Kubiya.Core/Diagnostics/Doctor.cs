using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Agents;
using Kubiya.Core.Agents.Llm.Models;
using Kubiya.Core.Configuration;
using Kubiya.Core.Secrets;
using Kubiya.Core.Workers;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;

namespace Kubiya.Core.Diagnostics
{
    /// <summary>
    /// Health checks of a worker's setup: the server and namespace, pollers on its queue, agent
    /// files, model configuration and keys, disk space and the log folder. Each check reports
    /// pass / warn / fail with how to fix it; none throws.
    /// </summary>
    public sealed class Doctor
    {
        private readonly KubiyaRuntime runtime;
        private readonly string? queue;
        private readonly string workingDirectory;
        private readonly string? modelConfigPath;

        /// <summary>Checks for <paramref name="queue"/> (null: no poller check) with agents looked up from <paramref name="workingDirectory"/>.</summary>
        public Doctor(KubiyaRuntime runtime, string? queue, string workingDirectory, string? modelConfigPath = null)
        {
            this.runtime = runtime;
            this.queue = queue;
            this.workingDirectory = workingDirectory;
            this.modelConfigPath = modelConfigPath;
        }

        /// <summary>How long the server may take to answer before it counts as unreachable.</summary>
        public TimeSpan ServerTimeout { get; set; } = TimeSpan.FromSeconds(3);

        /// <summary>Free space below which the disk check warns.</summary>
        public long WarnFreeBytes { get; set; } = 1L << 30;

        /// <summary>Free space below which the disk check fails.</summary>
        public long FailFreeBytes { get; set; } = 100L << 20;

        /// <summary>Runs every check.</summary>
        public async Task<IReadOnlyList<DoctorCheck>> RunAsync(CancellationToken cancellationToken)
        {
            Connection.KubiyaConnection? connection = null;
            var checks = new List<DoctorCheck>
            {
                await Timed(async () => { var (check, c) = await ServerAsync(cancellationToken).ConfigureAwait(false); connection = c; return check; }).ConfigureAwait(false),
                await Timed(() => NamespaceAsync(connection, cancellationToken)).ConfigureAwait(false),
            };
            if (queue != null) checks.Add(await Timed(() => PollersAsync(connection, cancellationToken)).ConfigureAwait(false));
            foreach (var check in new Func<DoctorCheck>[] { Agents, Models, Disk, LogFolder })
                checks.Add(await Timed(() => Task.FromResult(check())).ConfigureAwait(false));
            return checks;
        }

        private static async Task<DoctorCheck> Timed(Func<Task<DoctorCheck>> run)
        {
            var watch = Stopwatch.StartNew();
            var check = await run().ConfigureAwait(false);
            check.DurationMs = watch.ElapsedMilliseconds;
            return check;
        }

        private RpcOptions Rpc(CancellationToken ct) => new RpcOptions { Timeout = ServerTimeout, Retry = false, CancellationToken = ct };

        private async Task<(DoctorCheck, Connection.KubiyaConnection?)> ServerAsync(CancellationToken ct)
        {
            var check = new DoctorCheck { Id = "server", Name = "Server reachable" };
            var address = runtime.Settings.EffectiveAddress;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(ServerTimeout + ServerTimeout);
                var connection = await runtime.ConnectAsync(timeout.Token).ConfigureAwait(false);
                var watch = Stopwatch.StartNew();
                await connection.Client.Connection.WorkflowService.GetSystemInfoAsync(new GetSystemInfoRequest(), Rpc(ct)).ConfigureAwait(false);
                check.Detail = $"Temporal at {address} answered in {watch.ElapsedMilliseconds} ms.";
                return (check, connection);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                check.Status = DoctorStatus.Fail;
                check.Detail = $"Temporal at {address} does not answer: {Describe(ex)}";
                check.Fix = runtime.Settings.TemporalAddress == null
                    ? "Start the embedded server (kubiya server start) or check ~/.kubiya/server for its log."
                    : "Check that the Temporal frontend runs and that KUBIYA_TEMPORAL_ADDRESS (temporal.address) names it.";
                return (check, null);
            }
        }

        private async Task<DoctorCheck> NamespaceAsync(Connection.KubiyaConnection? connection, CancellationToken ct)
        {
            var ns = runtime.Settings.Namespace;
            var check = new DoctorCheck { Id = "namespace", Name = "Namespace" };
            if (connection == null)
                return Skipped(check, $"Namespace '{ns}' not checked: the server is unreachable.", "Fix the server check first.");
            try
            {
                await connection.Client.Connection.WorkflowService.DescribeNamespaceAsync(new DescribeNamespaceRequest { Namespace = ns }, Rpc(ct)).ConfigureAwait(false);
                check.Detail = $"Namespace '{ns}' exists.";
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                check.Status = DoctorStatus.Fail;
                check.Detail = $"Namespace '{ns}': {Describe(ex)}";
                check.Fix = "Set KUBIYA_TEMPORAL_NAMESPACE (temporal.namespace) to a namespace the server has.";
            }
            return check;
        }

        private async Task<DoctorCheck> PollersAsync(Connection.KubiyaConnection? connection, CancellationToken ct)
        {
            var check = new DoctorCheck { Id = "pollers", Name = $"Workers polling '{queue}'" };
            if (connection == null)
                return Skipped(check, "Pollers not checked: the server is unreachable.", "Fix the server check first.");
            try
            {
                var pollers = StoppedWorkers.Mark(await WorkerDirectory.PollersAsync(connection, queue!, ct).ConfigureAwait(false),
                    runtime.Settings.Paths, runtime.Settings.EffectiveWorkerHostname).Count(p => p.State != StoppedWorkers.StoppedState);
                if (pollers == 0)
                {
                    check.Status = DoctorStatus.Warn;
                    check.Detail = $"No worker polls queue '{queue}': its executions stay Pending.";
                    check.Fix = $"Start one: kubiya worker start --queue-id {queue} (or Start-KubiyaWorker {queue}).";
                }
                else check.Detail = $"{pollers} worker(s) poll queue '{queue}'.";
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                check.Status = DoctorStatus.Fail;
                check.Detail = $"Cannot list pollers of '{queue}': {Describe(ex)}";
                check.Fix = "Check the server connection.";
            }
            return check;
        }

        private DoctorCheck Agents()
        {
            var check = new DoctorCheck { Id = "agents", Name = "Agent files valid" };
            try
            {
                var catalog = runtime.Agents(workingDirectory);
                if (catalog.Errors.Count > 0)
                {
                    check.Status = DoctorStatus.Fail;
                    check.Detail = string.Join("\n", catalog.Errors.Select(e => e.Message));
                    check.Fix = "Correct or remove the agent files named above (~/.kubiya/agents, .kubiya/agents).";
                }
                else if (catalog.Warnings.Count > 0)
                {
                    check.Status = DoctorStatus.Warn;
                    check.Detail = $"{catalog.Agents.Count} agent(s); warnings:\n" + string.Join("\n", catalog.Warnings);
                    check.Fix = "Review the warnings in the agent files.";
                }
                else check.Detail = $"{catalog.Agents.Count} agent(s) load without errors.";
            }
            catch (Exception ex)
            {
                check.Status = DoctorStatus.Fail;
                check.Detail = Describe(ex);
                check.Fix = "Check the agents folders (~/.kubiya/agents, .kubiya/agents).";
            }
            return check;
        }

        private DoctorCheck Models()
        {
            var check = new DoctorCheck { Id = "models", Name = "Model configuration and keys" };
            try
            {
                var catalog = ModelCatalog.Load(new ModelCatalogOptions { ConfigFile = modelConfigPath }, runtime.Settings.Paths, Environment.GetEnvironmentVariable);
                if (catalog.Models.Count == 0 && catalog.Fallback == null)
                {
                    check.Status = DoctorStatus.Warn;
                    check.Detail = "No models configured: llm agents cannot run (runbook agents need none).";
                    check.Fix = "Write ~/.kubiya/models.yaml (LiteLLM model_list) or set OPENAI_API_KEY.";
                    return check;
                }
                var missing = catalog.Models.Where(m => !KeyPresent(m)).Select(m => m.Name).ToList();
                var problems = missing.Select(n => $"model '{n}': its API key is not set").Concat(catalog.Warnings).ToList();
                if (problems.Count > 0)
                {
                    check.Status = DoctorStatus.Warn;
                    check.Detail = string.Join("\n", problems);
                    check.Fix = "Set the environment variables the models name (os.environ/NAME or ${env:NAME}).";
                }
                else check.Detail = $"{catalog.Models.Count} model(s) from {catalog.Source ?? "the environment"}; keys present.";
            }
            catch (Exception ex)
            {
                check.Status = DoctorStatus.Fail;
                check.Detail = Describe(ex);
                check.Fix = "Correct the model configuration file (LiteLLM model_list YAML).";
            }
            return check;
        }

        /// <summary>True when the model needs no key or its key (or the variable it names) is set.</summary>
        public static bool KeyPresent(ModelEndpoint model)
        {
            if (model.ApiKey == null) return true;
            try { return !string.IsNullOrEmpty(SecretReference.Resolve(model.ApiKey, Environment.GetEnvironmentVariable)); }
            catch (Exception) { return false; }
        }

        private DoctorCheck Disk()
        {
            var check = new DoctorCheck { Id = "disk", Name = "Disk space" };
            try
            {
                var home = Path.GetFullPath(runtime.Settings.Paths.Home);
                var drive = DriveInfo.GetDrives().Where(d => d.IsReady && home.StartsWith(d.RootDirectory.FullName, StringComparison.Ordinal))
                    .OrderByDescending(d => d.RootDirectory.FullName.Length).FirstOrDefault();
                if (drive == null) return Skipped(check, $"No drive found for {home}.", null);
                var free = drive.AvailableFreeSpace;
                check.Detail = $"{free / (1024.0 * 1024 * 1024):0.0} GB free on {drive.RootDirectory.FullName}.";
                if (free < FailFreeBytes) { check.Status = DoctorStatus.Fail; check.Fix = "Free disk space: logs and the embedded server's database live here."; }
                else if (free < WarnFreeBytes) { check.Status = DoctorStatus.Warn; check.Fix = "Free some disk space soon."; }
            }
            catch (Exception ex) { return Skipped(check, Describe(ex), null); }
            return check;
        }

        private DoctorCheck LogFolder()
        {
            var folder = queue != null ? new WorkerPaths(queue, runtime.Settings.Paths).LogDirectory : runtime.Settings.Paths.Home;
            var check = new DoctorCheck { Id = "logs", Name = "Log folder writable" };
            try
            {
                // The nearest folder that exists: checking must not create a worker folder.
                while (!Directory.Exists(folder) && Path.GetDirectoryName(folder) is { } parent) folder = parent;
                var probe = Path.Combine(folder, ".doctor-" + Guid.NewGuid().ToString("N"));
                File.WriteAllText(probe, "");
                File.Delete(probe);
                check.Detail = $"{folder} is writable.";
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                check.Status = DoctorStatus.Fail;
                check.Detail = $"{folder}: {ex.Message}";
                check.Fix = "Make the folder writable by this account, or set KUBIYA_HOME to one that is.";
            }
            return check;
        }

        private static DoctorCheck Skipped(DoctorCheck check, string detail, string? fix)
        {
            check.Status = DoctorStatus.Warn;
            check.Detail = detail;
            check.Fix = fix;
            return check;
        }

        private static string Describe(Exception ex) => ex switch
        {
            Errors.KubiyaException k => k.Message,
            Temporalio.Exceptions.RpcException r => Connection.TransportReason.Describe(r),
            OperationCanceledException _ => "no answer in time",
            _ => ex.Message,
        };
    }
}
