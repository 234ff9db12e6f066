<#
.SYNOPSIS
    Builds, tests, documents and packages the Kubiya module.

.DESCRIPTION
    Tasks (run in the order given):
      Build    dotnet build Kubiya.sln; lays out the module at out/<Configuration>/Kubiya.
      Test     the xunit suites (dotnet test) and then the Pester suite; one closing line
               "N passed, N failed, N skipped" over both. Results in -ResultsDirectory.
      Pester   the Pester suite (tests/Pester) under the pinned pwsh of .config/dotnet-tools.json.
      Help     regenerates the module's MAML help from docs/help.
      Package  writes the module .nupkg (PSResourceGet's Compress-PSResource) to out/packages.
      Install  copies the laid-out module into the user's module folder (or -ModulePath), as
               <folder>/Kubiya/<version>.
      Clean    removes out/, TestResults/ and every bin/ and obj/ folder.

    Written for Windows PowerShell 5.1 as well as PowerShell 7. The Pester suite itself always
    runs in the pwsh 7.6.9 restored from NuGet (dotnet tool restore), with Pester 5.7.1 from
    NuGet (build/TestTools), so nothing has to be installed by hand.

.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 Test -Configuration Release

.EXAMPLE
    ./build.ps1 Build, Pester
#>
[CmdletBinding()]
param(
    # Build, Test, Pester, Help, Package, Install, Clean; several run in order ('Build,Pester' works with -File too).
    [Parameter(Position = 0)]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',

    # Where the TRX and Pester NUnit XML results go (cleared by Test).
    [string] $ResultsDirectory = (Join-Path $PSScriptRoot 'TestResults'),

    # Skips the build that Pester, Package and Install otherwise run first.
    [switch] $NoBuild,

    # Install only: the modules folder to install into (default: the current user's).
    [string] $ModulePath,

    # Pester only: run just these test files, by name without .Tests.ps1 (e.g. Exec, Workers).
    [string[]] $PesterFile = @()
)

Set-StrictMode -Version 3
$ErrorActionPreference = 'Stop'
$Root = $PSScriptRoot
$ModuleDir = Join-Path $Root (Join-Path 'out' (Join-Path $Configuration 'Kubiya'))
$script:Built = $false

function Invoke-Native {
    # Runs a native command, echoing it; returns its exit code (never throws on non-zero).
    param([string] $FilePath, [string[]] $ArgumentList)
    Write-Host ("> {0} {1}" -f $FilePath, ($ArgumentList -join ' ')) -ForegroundColor DarkGray
    # Out-Host: the command's output streams to the console instead of becoming our return value.
    & $FilePath @ArgumentList | Out-Host
    return $LASTEXITCODE
}

function Assert-Success {
    param([int] $ExitCode, [string] $What)
    if ($ExitCode -ne 0) { throw ("{0} failed (exit code {1})." -f $What, $ExitCode) }
}

function Invoke-BuildTask {
    if ($script:Built) { return }
    Assert-Success (Invoke-Native 'dotnet' @('build', (Join-Path $Root 'Kubiya.sln'), '-c', $Configuration)) 'dotnet build'
    $script:Built = $true
}

function Get-NuGetPackageRoot {
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    $line = & dotnet nuget locals global-packages --list | Select-Object -First 1
    return ($line -replace '^\s*global-packages:\s*', '').Trim()
}

function Initialize-TestTools {
    # pwsh 7.6.9 from the local tool manifest, Pester 5.7.1 as a NuGet package download.
    Push-Location $Root
    try {
        Assert-Success (Invoke-Native 'dotnet' @('tool', 'restore')) 'dotnet tool restore'
    }
    finally { Pop-Location }
    Assert-Success (Invoke-Native 'dotnet' @('restore', (Join-Path $Root 'build/TestTools/TestTools.csproj'))) 'restoring Pester'
    $pester = Join-Path (Get-NuGetPackageRoot) 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path $pester)) { throw "Pester was restored but $pester is missing." }
    return $pester
}

function Invoke-PesterTask {
    Assert-ModuleBuilt
    $pester = Initialize-TestTools
    $resultFile = Join-Path $ResultsDirectory 'Pester/Pester.xml'
    $runner = Join-Path $Root 'tests/Pester/Invoke-KubiyaPester.ps1'
    Push-Location $Root
    try {
        # The pinned pwsh from .config/dotnet-tools.json, in its own process: the suite imports
        # the module and starts servers, and its exit code is the test outcome.
        $arguments = @('tool', 'run', 'pwsh', '-NoLogo', '-NoProfile', '-NonInteractive',
            '-File', $runner, '-PesterModule', $pester, '-Configuration', $Configuration, '-ResultFile', $resultFile)
        # Names, not wildcards: pwsh expands wildcards in -File arguments on Linux.
        if ($PesterFile.Count -gt 0) { $arguments += @('-TestFile', ($PesterFile -join ',')) }
        $code = Invoke-Native 'dotnet' $arguments
    }
    finally { Pop-Location }
    return $code
}

function Invoke-XunitTask {
    $arguments = @('test', (Join-Path $Root 'Kubiya.sln'), '-c', $Configuration,
        '--blame-hang-timeout', '10m', '--logger', 'trx', '--results-directory', $ResultsDirectory)
    if ($env:CI) { $arguments += @('--logger', 'console;verbosity=normal') }
    return (Invoke-Native 'dotnet' $arguments)
}

function Write-TestSummary {
    # One closing line over every result file: TRX (xunit) and NUnit XML (Pester).
    $passed = 0; $failed = 0; $skipped = 0
    foreach ($file in Get-ChildItem -Path $ResultsDirectory -Recurse -Include '*.trx', 'Pester.xml' -ErrorAction SilentlyContinue) {
        [xml] $doc = Get-Content -Raw -LiteralPath $file.FullName
        if ($file.Extension -eq '.trx') {
            $counters = $doc.GetElementsByTagName('Counters') | Select-Object -First 1
            if ($null -eq $counters) { continue }
            $passed += [int] $counters.passed
            $failed += [int] $counters.failed
            # VSTest leaves skipped xunit tests out of 'notExecuted' (they only show as results with
            # outcome NotExecuted), so they are counted from the results themselves.
            $notExecuted = @($doc.GetElementsByTagName('UnitTestResult') | Where-Object { $_.outcome -eq 'NotExecuted' }).Count
            $skipped += [Math]::Max([int] $counters.notExecuted, $notExecuted)
        }
        else {
            # Pester's NUnit 2.5 'total' counts skipped tests but not 'not-run' ones.
            $r = $doc.DocumentElement
            $notPassed = [int] $r.failures + [int] $r.errors
            $notRun = [int] $r.skipped + [int] $r.ignored + [int] $r.inconclusive
            $failed += $notPassed
            $skipped += $notRun + [int] $r.'not-run'
            $passed += [int] $r.total - $notPassed - $notRun
        }
    }
    Write-Host ("{0} passed, {1} failed, {2} skipped" -f $passed, $failed, $skipped)
}

function Invoke-TestTask {
    if (Test-Path $ResultsDirectory) { Remove-Item -Recurse -Force $ResultsDirectory }
    $xunit = Invoke-XunitTask
    # dotnet test built the solution (module included), so Pester needs no second build.
    $script:Built = $true
    $pester = Invoke-PesterTask
    Write-TestSummary
    if ($xunit -ne 0) { Write-Host "xunit suites failed (exit code $xunit)." }
    if ($pester -ne 0) { Write-Host "Pester suite failed (exit code $pester)." }
    if ($xunit -ne 0 -or $pester -ne 0) { return 1 }
    return 0
}

function Invoke-HelpTask {
    $gen = Join-Path $Root 'build/Kubiya.HelpGen'
    Assert-Success (Invoke-Native 'dotnet' @('build', $gen, '-c', $Configuration)) 'building the help generator'
    $dll = Join-Path $gen "bin/$Configuration/net10.0/Kubiya.HelpGen.dll"
    Assert-Success (Invoke-Native 'dotnet' @($dll, '--docs', (Join-Path $Root 'docs/help'), '--out', (Join-Path $ModuleDir 'en-US'))) 'generating help'
}

function Assert-ModuleBuilt {
    if (-not $NoBuild) { Invoke-BuildTask }
    if (-not (Test-Path (Join-Path $ModuleDir 'Kubiya.dll'))) { throw "The module is not built: $ModuleDir (run the Build task)." }
}

function Invoke-PackageTask {
    Assert-ModuleBuilt
    $destination = Join-Path $Root 'out/packages'
    New-Item -ItemType Directory -Force -Path $destination | Out-Null
    Get-ChildItem -Path $destination -Filter 'Kubiya.*.nupkg' | Remove-Item -Force
    Push-Location $Root
    try {
        Assert-Success (Invoke-Native 'dotnet' @('tool', 'restore')) 'dotnet tool restore'
        # PSResourceGet (bundled with pwsh 7.6) builds the nupkg from the manifest; it runs in the
        # pinned pwsh so that Windows PowerShell 5.1 callers can package too.
        $command = "Compress-PSResource -Path '{0}' -DestinationPath '{1}' -ErrorAction Stop" -f ($ModuleDir -replace "'", "''"), ($destination -replace "'", "''")
        Assert-Success (Invoke-Native 'dotnet' @('tool', 'run', 'pwsh', '-NoLogo', '-NoProfile', '-NonInteractive', '-Command', $command)) 'Compress-PSResource'
    }
    finally { Pop-Location }
    Get-ChildItem -Path $destination -Filter 'Kubiya.*.nupkg' | ForEach-Object { Write-Host "Kubiya package -> $($_.FullName)" }
}

function Get-UserModuleFolder {
    $onWindows = [Environment]::OSVersion.Platform -eq [PlatformID]::Win32NT
    if ($PSVersionTable.PSEdition -eq 'Desktop') { return Join-Path ([Environment]::GetFolderPath('MyDocuments')) 'WindowsPowerShell\Modules' }
    if ($onWindows) { return Join-Path ([Environment]::GetFolderPath('MyDocuments')) 'PowerShell\Modules' }
    return Join-Path ([Environment]::GetFolderPath('LocalApplicationData')) 'powershell/Modules'
}

function Invoke-InstallTask {
    Assert-ModuleBuilt
    $version = (Import-PowerShellDataFile (Join-Path $ModuleDir 'Kubiya.psd1')).ModuleVersion
    $folder = $ModulePath
    if (-not $folder) { $folder = Get-UserModuleFolder }
    $target = Join-Path (Join-Path $folder 'Kubiya') $version
    if (Test-Path $target) { Remove-Item -Recurse -Force $target }
    New-Item -ItemType Directory -Force -Path $target | Out-Null
    Copy-Item -Path (Join-Path $ModuleDir '*') -Destination $target -Recurse -Force
    Write-Host "Kubiya $version installed -> $target"
}

function Invoke-CleanTask {
    foreach ($dir in @('out', 'TestResults')) {
        $path = Join-Path $Root $dir
        if (Test-Path $path) { Remove-Item -Recurse -Force $path }
    }
    Get-ChildItem -Path (Join-Path $Root 'src'), (Join-Path $Root 'tests'), (Join-Path $Root 'build'), (Join-Path $Root 'bench') -Directory -Recurse -Include 'bin', 'obj' -ErrorAction SilentlyContinue |
        ForEach-Object { Remove-Item -Recurse -Force $_.FullName -ErrorAction SilentlyContinue }
}

$knownTasks = @('Build', 'Test', 'Pester', 'Help', 'Package', 'Install', 'Clean')
$Task = @($Task | ForEach-Object { $_ -split ',' } | ForEach-Object { $_.Trim() } | Where-Object { $_ })
foreach ($t in $Task) {
    if ($knownTasks -notcontains $t) { throw ("Unknown task '{0}'. Tasks: {1}." -f $t, ($knownTasks -join ', ')) }
}

$exitCode = 0
foreach ($t in $Task) {
    Write-Host "== $t ($Configuration)" -ForegroundColor Cyan
    switch ($t) {
        'Build' { $script:Built = $false; Invoke-BuildTask }
        'Test' { $exitCode = [Math]::Max($exitCode, (Invoke-TestTask)) }
        'Pester' { $exitCode = [Math]::Max($exitCode, (Invoke-PesterTask)) }
        'Help' { Invoke-HelpTask }
        'Package' { Invoke-PackageTask }
        'Install' { Invoke-InstallTask }
        'Clean' { Invoke-CleanTask }
    }
}
exit $exitCode
