<#
.SYNOPSIS
    Runs the Pester suite (tests/Pester/*.Tests.ps1) and writes NUnit XML results.

.DESCRIPTION
    Called by build.ps1 (tasks Pester and Test) in the pinned pwsh of .config/dotnet-tools.json.
    Exits 0 only when every test passed and at least one ran: a failed test, a failed
    BeforeAll/AfterAll block or a file that did not load all fail the run.
#>
param(
    [Parameter(Mandatory)] [string] $PesterModule,
    [ValidateSet('Debug', 'Release')] [string] $Configuration = 'Debug',
    [Parameter(Mandatory)] [string] $ResultFile,
    # Comma-separated file names without .Tests.ps1 (e.g. Exec,Workers); all files when empty.
    [string] $TestFile = ''
)

$ErrorActionPreference = 'Stop'
Import-Module $PesterModule -Force
$env:KUBIYA_TEST_CONFIGURATION = $Configuration
# Workers started by the suite serve no web UI unless a test passes -WebUIPort (parallel runs
# would otherwise all start one from port 8088 up).
$env:KUBIYA_NO_WEBUI = '1'

$names = @($TestFile -split ',' | Where-Object { $_ })
$paths = @(Get-ChildItem -Path $PSScriptRoot -Filter '*.Tests.ps1' |
    Where-Object { $names.Count -eq 0 -or $names -contains ($_.Name -replace '\.Tests\.ps1$', '') } |
    ForEach-Object FullName)
if ($paths.Count -eq 0) { Write-Host "No Pester test file matches '$TestFile'."; exit 1 }

$config = New-PesterConfiguration
$config.Run.Path = $paths
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
# CI logs and redirected output get plain text, not ANSI colour codes.
if ([Console]::IsOutputRedirected) { $config.Output.RenderMode = 'Plaintext'; $PSStyle.OutputRendering = 'PlainText' }
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = $ResultFile
New-Item -ItemType Directory -Force -Path (Split-Path $ResultFile -Parent) | Out-Null

$result = Invoke-Pester -Configuration $config
Write-Host ("Pester: {0} passed, {1} failed, {2} skipped, {3} not run; failed blocks: {4}, failed containers: {5}" -f
    $result.PassedCount, $result.FailedCount, $result.SkippedCount, $result.NotRunCount,
    $result.FailedBlocksCount, $result.FailedContainersCount)
if ($result.Result -ne 'Passed' -or $result.PassedCount -eq 0) { exit 1 }
exit 0
