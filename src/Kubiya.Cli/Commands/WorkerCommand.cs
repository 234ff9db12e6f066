using System.CommandLine;
using System.Globalization;
using System.Reflection;
using Kubiya.Cli.Daemon;
using Kubiya.Cli.Infrastructure;
using Kubiya.Cli.Output;
using Kubiya.Core.Logging;
using Kubiya.Core.Workers;

namespace Kubiya.Cli.Commands;

/// <summary><c>kubiya worker start|stop|status|logs|clean|list</c>, and the hidden <c>worker supervise</c> of daemons.</summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var worker = new Command("worker", "Run and manage workers: processes that poll a queue and run its executions' steps.");
        worker.Add(Start());
        worker.Add(Stop());
        worker.Add(Restart());
        worker.Add(Status());
        worker.Add(Logs());
        worker.Add(Clean());
        worker.Add(List());
        worker.Add(WorkerDeployCommands.Install());
        worker.Add(Supervise());
        return worker;
    }

    private static Option<string?> QueueId() => new("--queue-id", "--queue")
    {
        Description = "The queue (Temporal task queue) the worker polls (default: queue_id of ~/.kubiya/worker-config.yaml, queue of config.yaml or QUEUE_ID).",
    };

    /// <summary>The queue given, else the configured one; a clear error when there is neither.</summary>
    private static WorkerPaths Paths(CommandContext ctx, Option<string?> queue) =>
        new(ctx.Get(queue) ?? ctx.Runtime.Settings.Queue ?? throw new Core.Errors.KubiyaException(Core.Errors.KubiyaErrorKind.InvalidArgument, "QueueRequired",
            "No queue: give --queue-id, or set queue_id in ~/.kubiya/worker-config.yaml (or queue in config.yaml, or QUEUE_ID).", null), ctx.Runtime.Settings.Paths);

    private static Command Start()
    {
        var command = new Command("start", "Start a worker for a queue: in the foreground (Ctrl+C drains and stops it), or with -d as a supervised daemon that outlives this session.");
        var queue = QueueId();
        var type = new Option<string?>("--type") { Description = "local (a process on this machine) or docker (the worker image through the docker CLI); default: deployment_type of ~/.kubiya/worker-config.yaml, else local." };
        type.AcceptOnlyFromAmong("local", "docker");
        var image = new Option<string?>("--image") { Description = "Image for --type docker (default kubiya/worker:0.1.0)." };
        var daemon = new Option<bool?>("--daemon", "-d") { Description = "Run detached under a supervisor that restarts it when it dies (default: daemon_mode of ~/.kubiya/worker-config.yaml; --daemon false runs in the foreground)." };
        var daemonOptions = new DaemonOptionSet(visible: true);
        var supervised = new Option<bool>("--supervised") { Hidden = true, Description = "Run as a daemon's child: log to the console only." };
        var supervisorPid = new Option<int?>("--supervisor-pid") { Hidden = true, Description = "Stop when this process is gone." };
        var proxyFile = new Option<string?>("--proxy-config-file") { Description = "Model configuration for llm agents (LiteLLM model_list YAML; default ~/.kubiya/models.yaml)." };
        var proxyJson = new Option<string?>("--proxy-config-json") { Description = "The model configuration as JSON text." };
        var webUI = new WebUIOptionSet();
        foreach (var o in new Option[] { queue, type, image, daemon, supervised, supervisorPid, proxyFile, proxyJson }) command.Add(o);
        daemonOptions.AddTo(command);
        webUI.AddTo(command);
        command.SetAction(async ctx =>
        {
            var paths = Paths(ctx, queue);
            var settings = ctx.Runtime.Settings;
            var opts = daemonOptions.Read(ctx.Parse, settings);
            var webUIPort = webUI.Read(ctx.Parse);
            var isSupervised = ctx.Get(supervised);
            // A daemon's own child always runs here, in the foreground, whatever the files say.
            var mode = isSupervised ? WorkerStartMode.Foreground : WorkerStartModes.From(ctx.Get(type), ctx.Get(daemon), settings);
            if (mode == WorkerStartMode.Docker) return await WorkerDeployCommands.RunDockerAsync(ctx, paths.QueueId, ctx.Get(image));
            if (mode == WorkerStartMode.Daemon)
            {
                var modelFile = ctx.Get(proxyFile) is { } file ? Path.GetFullPath(file, ctx.CurrentDirectory) : null;
                opts = opts with { ModelConfigPath = DaemonModelConfig.Prepare(paths, modelFile, ctx.Get(proxyJson)), WebUIPort = webUIPort, NoWebUI = webUIPort == null };
                var supervisor = KubiyaCli.Supervisor(KubiyaCli.Self(Array.Empty<string>()), paths.QueueId, opts);
                var status = await DaemonControl.StartAsync(paths, supervisor, TimeSpan.FromSeconds(60), ctx.Cancellation);
                var view = WorkerView.From(paths, status);
                ctx.Output.Result(view, w => w.WriteLine($"Daemon worker for queue {paths.QueueId} started (pid {view.Pid}); logs: {view.LogPath}"));
                return ExitCodes.Ok;
            }
            var hostOptions = new WorkerHostOptions
            {
                Queue = paths.QueueId,
                FileLogging = !isSupervised,
                LogSink = (_, line) => Console.Out.WriteLine(line),
                DefaultWorkingDirectory = ctx.CurrentDirectory,
                GracefulShutdown = opts.DrainTimeout,
                ModelConfigPath = ctx.Get(proxyFile) is { } pf ? Path.GetFullPath(pf, ctx.CurrentDirectory) : null,
                ModelConfigJson = ctx.Get(proxyJson),
            };
            return await ForegroundWorker.RunAsync(ctx, paths, hostOptions, ctx.Get(supervisorPid), webUIPort);
        });
        return command;
    }

    private static Command Supervise()
    {
        var command = new Command("supervise", "Run a daemon: supervise a foreground worker for the queue.") { Hidden = true };
        var queue = QueueId();
        var daemonOptions = new DaemonOptionSet(visible: false);
        var proxyFile = new Option<string?>("--proxy-config-file") { Description = "Model configuration file the worker reads." };
        var webUI = new WebUIOptionSet();
        command.Add(queue);
        command.Add(proxyFile);
        daemonOptions.AddTo(command);
        webUI.AddTo(command);
        command.SetAction(async ctx =>
        {
            var paths = Paths(ctx, queue);
            var opts = daemonOptions.Read(ctx.Parse, ctx.Runtime.Settings);
            var current = DaemonStatusReader.Read(paths);
            if (current.State != DaemonState.Stopped && current.Info?.Pid != Environment.ProcessId)
                throw new Core.Errors.KubiyaException(Core.Errors.KubiyaErrorKind.InvalidState, "DaemonAlreadyRunning",
                    $"A daemon worker for queue '{paths.QueueId}' is already running (pid {current.Info?.Pid}).", paths.QueueId);
            var webUIPort = webUI.Read(ctx.Parse);
            // Recorded as it runs (the web UI port resolved), so `worker restart` starts it the same way.
            DaemonOptionsFile.Write(paths, opts with { ModelConfigPath = ctx.Get(proxyFile), WebUIPort = webUIPort, NoWebUI = webUIPort == null });
            var child = KubiyaCli.Self(new[]
            {
                "worker", "start", "--queue-id", paths.QueueId, "--supervised",
                "--supervisor-pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
                "--drain-timeout", opts.DrainTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture),
            }.Concat(WebUIOptionSet.Arguments(webUIPort))
             .Concat(ctx.Get(proxyFile) is { } models ? new[] { "--proxy-config-file", models } : Array.Empty<string>()));
            var supervisor = new WorkerSupervisor(paths, child, opts, Version());
            return await supervisor.RunAsync(ctx.Cancellation);
        });
        return command;
    }

    private static Command Stop()
    {
        var command = new Command("stop", "Stop a daemon worker: it drains its running steps, then exits.");
        var queue = QueueId();
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the drain.", DefaultValueFactory = _ => 120 };
        command.Add(queue);
        command.Add(timeout);
        command.SetAction(async ctx =>
        {
            var paths = Paths(ctx, queue);
            var before = DaemonStatusReader.Read(paths);
            var stopped = await DaemonControl.StopAsync(paths, TimeSpan.FromSeconds(ctx.Get(timeout)), ctx.Cancellation);
            var view = WorkerView.From(paths, DaemonStatusReader.Read(paths));
            ctx.Output.Result(view, w => w.WriteLine(stopped
                ? $"Daemon worker for queue {paths.QueueId} stopped."
                : before.StalePidFile
                    ? $"Daemon worker for queue {paths.QueueId} was not running (removed a stale pid file)."
                    : $"Daemon worker for queue {paths.QueueId} is not running."));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Restart()
    {
        var command = new Command("restart", "Restart a daemon worker: drain and stop it, then start it again as a daemon with the options it was started with (log size and backups, drain timeout, model configuration file, web UI port; --webui-port / --no-webui change the last).");
        var queue = QueueId();
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the drain.", DefaultValueFactory = _ => 120 };
        var webUI = new WebUIOptionSet();
        command.Add(queue);
        command.Add(timeout);
        webUI.AddTo(command);
        command.SetAction(async ctx =>
        {
            var paths = Paths(ctx, queue);
            var before = DaemonStatusReader.Read(paths);
            if (before.Info == null)
                throw new Core.Errors.KubiyaException(Core.Errors.KubiyaErrorKind.NotFound, "DaemonNotFound", $"Queue '{paths.QueueId}' has no daemon worker on this machine.", paths.QueueId);
            // Read before the stop, so a bad --webui-port leaves the daemon running.
            var opts = DaemonOptionsFile.TryRead(paths) ?? LegacyOptions(paths, webUI.Read(ctx.Parse), ctx.Runtime.Settings);
            if (webUI.Given(ctx.Parse))
            {
                var webUIPort = webUI.Read(ctx.Parse);
                opts = opts with { WebUIPort = webUIPort, NoWebUI = webUIPort == null };
            }
            await DaemonControl.StopAsync(paths, TimeSpan.FromSeconds(ctx.Get(timeout)), ctx.Cancellation);
            var supervisor = KubiyaCli.Supervisor(KubiyaCli.Self(Array.Empty<string>()), paths.QueueId, opts);
            var status = await DaemonControl.StartAsync(paths, supervisor, TimeSpan.FromSeconds(60), ctx.Cancellation);
            var view = WorkerView.From(paths, status);
            ctx.Output.Result(view, w => w.WriteLine($"Daemon worker for queue {paths.QueueId} restarted (pid {view.Pid})."));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>What a daemon of a version that recorded no options is restarted with: the configured log limits, defaults otherwise, and its models.json if any.</summary>
    private static DaemonOptions LegacyOptions(WorkerPaths paths, int? webUIPort, Core.Configuration.KubiyaSettings settings)
    {
        var models = Path.Combine(paths.Directory, DaemonModelConfig.JsonFileName);
        return new DaemonOptions { MaxLogBytes = settings.LogMaxBytes, MaxLogBackups = settings.LogMaxBackups, ModelConfigPath = File.Exists(models) ? models : null, WebUIPort = webUIPort, NoWebUI = webUIPort == null };
    }

    private static Command Status()
    {
        var command = new Command("status", "Tell whether a queue's daemon worker is running, restarting after a crash, stopping or stopped (exit code 0 while it runs, 1 when stopped).");
        var queue = QueueId();
        command.Add(queue);
        command.SetAction(ctx =>
        {
            var paths = Paths(ctx, queue);
            var status = DaemonStatusReader.Read(paths);
            var view = WorkerView.From(paths, status);
            ctx.Output.Result(view, view.WriteText);
            return Task.FromResult(status.State == DaemonState.Stopped ? ExitCodes.Failed : ExitCodes.Ok);
        });
        return command;
    }

    private static Command Logs()
    {
        var command = new Command("logs", "Print a worker's log (~/.kubiya/workers/QUEUE/logs/worker.log).");
        var queue = QueueId();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines (across rotations) until Ctrl+C." };
        var tail = new Option<int?>("--tail") { Description = "Only the last N lines." };
        foreach (var o in new Option[] { queue, follow, tail }) command.Add(o);
        command.SetAction(async ctx =>
        {
            var paths = Paths(ctx, queue);
            var lines = LogFileTail.ReadLast(paths.LogFile, ctx.Get(tail), out var end);
            if (!ctx.Get(follow) && !File.Exists(paths.LogFile))
                throw new Core.Errors.KubiyaException(Core.Errors.KubiyaErrorKind.NotFound, "WorkerLogNotFound",
                    $"No worker log for queue '{paths.QueueId}' at {paths.LogFile}.", paths.LogFile);
            foreach (var line in lines) ctx.Output.Out.WriteLine(line);
            ctx.Output.Out.Flush();
            if (!ctx.Get(follow)) return ExitCodes.Ok;
            await LogFileTail.FollowAsync(paths.LogFile, end, line =>
            {
                ctx.Output.Out.WriteLine(line);
                ctx.Output.Out.Flush();
            }, ctx.Cancellation);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Clean()
    {
        var command = new Command("clean", "Remove a stopped worker's data (logs, pid and info files); refuses while it runs.");
        var queue = QueueId();
        command.Add(queue);
        command.SetAction(ctx =>
        {
            var paths = Paths(ctx, queue);
            var removed = DaemonControl.Clean(paths);
            ctx.Output.Result(new { queueId = paths.QueueId, removed, directory = paths.Directory }, w =>
                w.WriteLine(removed ? $"Removed {paths.Directory}" : $"Nothing to clean for queue {paths.QueueId}."));
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List workers: the daemons this machine has run (~/.kubiya/workers), then every worker on the namespace by its health heartbeat (lost when silent for 3 intervals).");
        var queue = new Option<string?>("--queue-id", "--queue") { Description = "Only workers of this queue." };
        command.Add(queue);
        command.SetAction(async ctx =>
        {
            var paths = ctx.Runtime.Settings.Paths;
            var only = ctx.Get(queue);
            var views = DaemonWorkers.All(paths).Where(kv => only == null || kv.Key == only)
                .Select(kv => WorkerView.From(new WorkerPaths(kv.Key, paths), kv.Value)).ToList();
            var health = (await ctx.Runtime.WorkerHealthAsync(only, ctx.Cancellation)).Select(HealthView.From).ToList();
            ctx.Output.Result(views.Cast<object>().Concat(health).ToList(), w =>
            {
                if (views.Count > 0) WorkerView.WriteTable(w, views);
                if (views.Count > 0) w.WriteLine();
                if (health.Count == 0) w.WriteLine("No worker heartbeats on this namespace.");
                else HealthView.WriteTable(w, health);
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Version()
    {
        var v = typeof(WorkerCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = v.IndexOf('+');
        return plus < 0 ? v : v[..plus];
    }
}
