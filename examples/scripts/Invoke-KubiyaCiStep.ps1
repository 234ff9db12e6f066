<#
.SYNOPSIS
    One CI step: runs a Kubiya agent on an ephemeral local worker and fails the step when the
    execution fails.

.DESCRIPTION
    Used by azure-pipelines.yml, github/kubiya.yml and .gitlab-ci.yml in this folder. In Azure
    DevOps and GitHub Actions, Invoke-KubiyaExec detects the platform (-CIMode Auto) and prints
    each step's output in a collapsible group, failures as error annotations, the execution id
    and status as output variables (execution_id, execution_status) and a Markdown summary.
    Elsewhere (GitLab, a plain shell) it prints the plain log. A failed execution is a
    terminating error here, so pwsh exits non-zero and the job fails.

.PARAMETER Agent
    Agent to run (for example a runbook in the repository's .kubiya/agents).

.PARAMETER Prompt
    The task; for the built-in shell and powershell agents, the command itself.

.PARAMETER ModulePath
    Where the Kubiya module is (a build artifact); by default it is imported by name from
    $env:PSModulePath, installed first with Install-PSResource when missing.
#>
param(
    [string] $Agent = 'ci',
    [string] $Prompt = 'build and test what changed',
    [string] $ModulePath
)

$ErrorActionPreference = 'Stop'
if ($ModulePath) {
    Import-Module $ModulePath
}
else {
    if (-not (Get-Module -ListAvailable -Name Kubiya)) {
        Install-PSResource -Name Kubiya -Scope CurrentUser -TrustRepository
    }
    Import-Module Kubiya
}

# -Yes answers the runbook's approval steps: nobody can answer them in a pipeline.
$execution = Invoke-KubiyaExec -Agent $Agent -Prompt $Prompt -Local -Yes
Write-Host "Kubiya execution $($execution.Id) $($execution.Status)"
