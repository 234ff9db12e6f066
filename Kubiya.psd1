@{
    RootModule           = 'Kubiya.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f0b7c5e-2d4a-4f61-9a1e-3c8d2b7e5a90'
    Author               = 'Kubiya for PowerShell contributors'
    CompanyName          = 'Kubiya for PowerShell'
    Copyright            = '(c) Kubiya for PowerShell contributors. All rights reserved.'
    Description          = 'Run AI-agent and runbook tasks as durable executions on Temporal: exec, workers as jobs, executions as pipeline objects.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FormatsToProcess     = @('Kubiya.format.ps1xml')
    CmdletsToExport      = @(
        'Invoke-KubiyaExec'
        'Start-KubiyaWorker'
        'Start-KubiyaWebUI'
        'Stop-KubiyaWorker'
        'Get-KubiyaWorker'
        'Get-KubiyaExecution'
        'Get-KubiyaExecutionLog'
        'Wait-KubiyaExecution'
        'Stop-KubiyaExecution'
        'Send-KubiyaExecutionInput'
        'Get-KubiyaAgent'
        'Register-KubiyaWorkerTask'
        'Unregister-KubiyaWorkerTask'
        'New-KubiyaSchedule'
        'Get-KubiyaSchedule'
        'Get-KubiyaMetric'
        'Set-KubiyaSchedule'
        'Suspend-KubiyaSchedule'
        'Resume-KubiyaSchedule'
        'Start-KubiyaSchedule'
        'Remove-KubiyaSchedule'
        'New-KubiyaPlan'
        'Get-KubiyaPlan'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('Kubiya', 'Temporal', 'Automation', 'Runbook', 'Agents', 'Workflow')
        }
    }
}
