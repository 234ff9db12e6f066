using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Runtime.InteropServices;
using Kubiya.Core.Workers;
using Kubiya.PowerShell.Completion;
using Kubiya.PowerShell.Internal;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Keeps a worker for a queue running without a session: a scheduled task at startup on Windows, a systemd unit on Linux.</para>
    /// <para type="description">On Windows it registers a scheduled task (run elevated) that starts at boot and runs
    /// Start-KubiyaWorker -QueueId QUEUE -Wait in this PowerShell, as the current user (S4U) or with -System as
    /// SYSTEM, restarting it when it fails. On Linux it writes a systemd service unit that runs the module's kubiya
    /// CLI as a foreground worker (it drains running steps on SIGTERM); enable it with systemctl.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Register, "KubiyaWorkerTask", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo), typeof(PSObject))]
    public sealed class RegisterKubiyaWorkerTaskCommand : KubiyaCmdlet
    {
        private const string WindowsScript = @"
param($Name, $Execute, $Argument, $WorkingDirectory, $System, $Force)
$action = New-ScheduledTaskAction -Execute $Execute -Argument $Argument -WorkingDirectory $WorkingDirectory
$trigger = New-ScheduledTaskTrigger -AtStartup
$principal = if ($System) { New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Highest }
             else { New-ScheduledTaskPrincipal -UserId ([Security.Principal.WindowsIdentity]::GetCurrent().Name) -LogonType S4U }
$settings = New-ScheduledTaskSettingsSet -ExecutionTimeLimit ([TimeSpan]::Zero) -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1) -StartWhenAvailable -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries
Register-ScheduledTask -TaskName $Name -Description ""Kubiya worker for queue $Name"" -Action $action -Trigger $trigger -Principal $principal -Settings $settings -Force:$Force
";

        /// <summary>Queue the worker polls.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [Alias("Queue")]
        [ArgumentCompleter(typeof(QueueCompleter))]
        public string QueueId { get; set; } = "";

        /// <summary>Task or unit name (default kubiya-worker-QUEUE).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? TaskName { get; set; }

        /// <summary>Windows: run as SYSTEM. Linux: a system unit (/etc/systemd/system) instead of a user unit.</summary>
        [Parameter]
        public SwitchParameter System { get; set; }

        /// <summary>Linux: folder the unit is written to (default ~/.config/systemd/user, or /etc/systemd/system with -System).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? UnitDirectory { get; set; }

        /// <summary>Replace an existing task or unit.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                var name = TaskName ?? WorkerServiceDefinitions.Name(QueueId);
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) RegisterScheduledTask(name);
                else if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) WriteSystemdUnit(name);
                else WriteError(ErrorRecords.Create("PlatformNotSupported", ErrorCategory.NotImplemented,
                    "Register-KubiyaWorkerTask supports Windows (scheduled task) and Linux (systemd unit); elsewhere run Start-KubiyaWorker -Daemon.", QueueId));
            }, QueueId);
        }

        private void RegisterScheduledTask(string name)
        {
            var manifest = Path.Combine(MyInvocation.MyCommand.Module?.ModuleBase ?? "", "Kubiya.psd1");
            var arguments = WorkerServiceDefinitions.ScheduledTaskArguments(manifest, QueueId);
            var host = global::System.Diagnostics.Process.GetCurrentProcess().MainModule?.FileName ?? "powershell.exe";
            if (!ShouldProcess(name, $"Register scheduled task at startup: {host} {arguments}")) return;
            foreach (var o in InvokeCommand.NewScriptBlock(WindowsScript).Invoke(name, host, arguments, CurrentDirectory, System.IsPresent, Force.IsPresent))
                WriteObject(o);
        }

        private void WriteSystemdUnit(string name)
        {
            var cli = KubiyaCli.Locate();
            if (cli == null)
            {
                WriteError(ErrorRecords.Create("KubiyaCliNotFound", ErrorCategory.ObjectNotFound,
                    "The kubiya CLI that the unit runs was not found in the module's Cli folder; reinstall the module.", QueueId));
                return;
            }
            var directory = UnitDirectory != null ? ResolveDirectory(UnitDirectory)
                : WorkerServiceDefinitions.SystemdUnitDirectory(System, Environment.GetEnvironmentVariable("XDG_CONFIG_HOME"), Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
            var path = Path.Combine(directory, name + ".service");
            if (File.Exists(path) && !Force)
            {
                WriteError(ErrorRecords.Create("UnitExists", ErrorCategory.ResourceExists, $"{path} already exists; use -Force to replace it.", path));
                return;
            }
            var command = KubiyaCli.Command(cli, new[] { "worker", "start", "--queue-id", QueueId });
            var environment = new List<KeyValuePair<string, string>> { new KeyValuePair<string, string>("KUBIYA_HOME", Runtime.Settings.Paths.Home) };
            foreach (var variable in new[] { "KUBIYA_TEMPORAL_ADDRESS", "KUBIYA_TEMPORAL_NAMESPACE", "DOTNET_ROOT" })
                if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value) environment.Add(new KeyValuePair<string, string>(variable, value));
            var unit = WorkerServiceDefinitions.SystemdUnit(QueueId, command, environment, CurrentDirectory, new DaemonOptions().DrainTimeout, System);
            if (!ShouldProcess(path, "Write systemd unit")) return;
            Directory.CreateDirectory(directory);
            File.WriteAllText(path, unit);
            var scope = System ? "" : " --user";
            WriteInformation(new HostInformationMessage { Message = $"Enable it with: systemctl{scope} daemon-reload && systemctl{scope} enable --now {name}" }, new[] { "PSHOST", "Kubiya" });
            WriteObject(new FileInfo(path));
        }
    }
}
