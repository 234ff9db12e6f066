<#
.SYNOPSIS
    A scheduled task's action: runs a Kubiya agent, appends one line per run to a log file and
    exits 0 when the execution completed, 1 when it did not (Task Scheduler's "Last Run Result").

.DESCRIPTION
    Register it on Windows (runs daily at 02:00 as the current user):

        $action  = New-ScheduledTaskAction -Execute 'pwsh.exe' -Argument '-NoProfile -NonInteractive -File C:\ops\Invoke-KubiyaNightly.ps1 -Agent nightly'
        $trigger = New-ScheduledTaskTrigger -Daily -At 2am
        Register-ScheduledTask -TaskName 'Kubiya nightly' -Action $action -Trigger $trigger

    The execution itself is durable: its output and log stay readable afterwards with
    Get-KubiyaExecution and Get-KubiyaExecutionLog, from any machine on the same namespace.

.PARAMETER Agent
    Agent to run.

.PARAMETER Prompt
    The task.

.PARAMETER LogPath
    File that gets one line per run: time, execution id, status and error.
#>
param(
    [string] $Agent = 'nightly',
    [string] $Prompt = 'nightly maintenance',
    [string] $LogPath = (Join-Path ([Environment]::GetFolderPath('LocalApplicationData')) 'Kubiya/nightly.log'),
    [string] $ModulePath = 'Kubiya'
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
New-Item -ItemType Directory -Force -Path (Split-Path $LogPath -Parent) | Out-Null

# No one answers approvals at 02:00: -Yes approves the runbook's approval steps.
$execution = Invoke-KubiyaExec -Agent $Agent -Prompt $Prompt -Local -Yes -CIMode None -ErrorAction SilentlyContinue -InformationAction SilentlyContinue
if ($null -eq $execution) {
    $line = '{0:u} - NotStarted {1}' -f (Get-Date), $Error[0]
    Add-Content -Path $LogPath -Value $line
    exit 1
}
$line = '{0:u} {1} {2} {3}' -f (Get-Date), $execution.Id, $execution.Status, $execution.Error
Add-Content -Path $LogPath -Value $line.TrimEnd()
if ($execution.Status -ne 'Completed') { exit 1 }
exit 0
