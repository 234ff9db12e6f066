using System;
using System.IO;
using System.Management.Automation;
using System.Runtime.InteropServices;
using Kubiya.Core.Workers;
using Kubiya.PowerShell.Completion;
using Kubiya.PowerShell.Internal;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Removes what Register-KubiyaWorkerTask set up: the scheduled task on Windows, the systemd unit on Linux.</para>
    /// <para type="description">On Windows it unregisters the scheduled task (run elevated), after checking it is a
    /// Kubiya worker task. On Linux it deletes the unit file and the links systemctl enable made to it, after
    /// checking the file is a Kubiya worker unit; a worker the unit still runs goes on until systemctl stops it.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Unregister, "KubiyaWorkerTask", DefaultParameterSetName = QueueSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    public sealed class UnregisterKubiyaWorkerTaskCommand : KubiyaCmdlet
    {
        private const string QueueSet = "Queue";
        private const string NameSet = "Name";

        private const string WindowsFind = @"
param($Name)
Get-ScheduledTask -TaskName $Name -ErrorAction SilentlyContinue | Select-Object -First 1
";
        private const string WindowsRemove = @"
param($Name)
Unregister-ScheduledTask -TaskName $Name -Confirm:$false -ErrorAction Stop
";

        /// <summary>Queue whose worker task or unit to remove (its default name kubiya-worker-QUEUE).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = QueueSet)]
        [ValidateNotNullOrEmpty]
        [Alias("Queue")]
        [ArgumentCompleter(typeof(QueueCompleter))]
        public string QueueId { get; set; } = "";

        /// <summary>Task or unit name, when it was registered with -TaskName.</summary>
        [Parameter(Mandatory = true, ParameterSetName = NameSet)]
        [ValidateNotNullOrEmpty]
        public string? TaskName { get; set; }

        /// <summary>Linux: a system unit (/etc/systemd/system) instead of a user unit.</summary>
        [Parameter]
        public SwitchParameter System { get; set; }

        /// <summary>Linux: folder the unit was written to (default ~/.config/systemd/user, or /etc/systemd/system with -System).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? UnitDirectory { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                var name = TaskName ?? WorkerServiceDefinitions.Name(QueueId);
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) RemoveScheduledTask(name);
                else if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) RemoveSystemdUnit(name);
                else WriteError(ErrorRecords.Create("PlatformNotSupported", ErrorCategory.NotImplemented,
                    "Unregister-KubiyaWorkerTask supports Windows (scheduled task) and Linux (systemd unit); elsewhere stop a daemon with Stop-KubiyaWorker.", name));
            }, TaskName ?? QueueId);
        }

        private void RemoveScheduledTask(string name)
        {
            PSObject? task = null;
            foreach (var o in InvokeCommand.NewScriptBlock(WindowsFind).Invoke(name)) task ??= o;
            if (task == null)
            {
                WriteError(ErrorRecords.Create("TaskNotFound", ErrorCategory.ObjectNotFound, $"There is no scheduled task '{name}'.", name));
                return;
            }
            var description = task.Properties["Description"]?.Value as string ?? "";
            if (!description.StartsWith("Kubiya worker for queue ", StringComparison.Ordinal))
            {
                WriteError(ErrorRecords.Create("NotAKubiyaWorkerTask", ErrorCategory.InvalidOperation,
                    $"The scheduled task '{name}' was not made by Register-KubiyaWorkerTask (its description is '{description}'); it is left alone.", name));
                return;
            }
            if (!ShouldProcess(name, "Unregister scheduled task")) return;
            InvokeCommand.NewScriptBlock(WindowsRemove).Invoke(name);
        }

        private void RemoveSystemdUnit(string name)
        {
            var directory = UnitDirectory != null ? ResolveDirectory(UnitDirectory)
                : WorkerServiceDefinitions.SystemdUnitDirectory(System, Environment.GetEnvironmentVariable("XDG_CONFIG_HOME"), Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
            var fileName = name + ".service";
            var path = Path.Combine(directory, fileName);
            if (!File.Exists(path))
            {
                WriteError(ErrorRecords.Create("UnitNotFound", ErrorCategory.ObjectNotFound, $"There is no unit file {path}.", path));
                return;
            }
            if (!WorkerServiceDefinitions.IsWorkerUnit(File.ReadAllText(path)))
            {
                WriteError(ErrorRecords.Create("NotAKubiyaWorkerUnit", ErrorCategory.InvalidOperation,
                    $"{path} was not written by Register-KubiyaWorkerTask; it is left alone.", path));
                return;
            }
            if (!ShouldProcess(path, "Remove systemd unit")) return;
            foreach (var link in WorkerServiceDefinitions.EnablementLinks(directory, fileName))
            {
                WriteVerbose($"Removing {link} (enabled the unit).");
                File.Delete(link);
            }
            File.Delete(path);
            var scope = System || directory == "/etc/systemd/system" ? "" : " --user";
            WriteInformation(new HostInformationMessage { Message = $"Removed {path}. A worker it started runs until stopped: systemctl{scope} stop {name}; then systemctl{scope} daemon-reload" },
                new[] { "PSHOST", "Kubiya" });
        }
    }
}
