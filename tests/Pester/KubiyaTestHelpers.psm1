# Shared set-up for the Pester tests: a real Kubiya.Server on a free loopback port, a
# throw-away KUBIYA_HOME, and the built module folder imported.

function Get-KubiyaRepoRoot {
    $dir = $PSScriptRoot
    while ($dir -and -not (Test-Path (Join-Path $dir 'Kubiya.sln'))) { $dir = Split-Path $dir -Parent }
    if (-not $dir) { throw 'Kubiya.sln not found above the Pester folder.' }
    $dir
}

function Start-KubiyaTestEnvironment {
    param([string] $Configuration = $(if ($env:KUBIYA_TEST_CONFIGURATION) { $env:KUBIYA_TEST_CONFIGURATION } else { 'Debug' }))
    $root = Get-KubiyaRepoRoot
    $module = Join-Path $root "out/$Configuration/Kubiya"
    if (-not (Test-Path (Join-Path $module 'Kubiya.dll'))) { throw "Build first: dotnet build Kubiya.sln -c $Configuration ($module missing)." }
    $serverDll = Join-Path $root "src/Kubiya.Server/bin/$Configuration/net10.0/Kubiya.Server.dll"
    $temp = Join-Path ([IO.Path]::GetTempPath()) ("kubiya-pester-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $temp | Out-Null
    $psi = [Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in @($serverDll, '--port', '0', '--db', (Join-Path $temp 'server.db'))) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.UseShellExecute = $false
    $server = [Diagnostics.Process]::Start($psi)
    $port = $null
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while (-not $port -and [DateTime]::UtcNow -lt $deadline) {
        $line = $server.StandardOutput.ReadLine()
        if ($line -match 'ready on [^:]+:(\d+)') { $port = $Matches[1] }
    }
    if (-not $port) { $server.Kill(); throw 'Kubiya.Server did not start.' }
    $env:KUBIYA_HOME = Join-Path $temp 'home'
    $env:KUBIYA_TEMPORAL_ADDRESS = "127.0.0.1:$port"
    # A configured address authenticates with KUBIYA_API_KEY: the token the server created beside its db.
    $env:KUBIYA_API_KEY = (Get-Content -Raw (Join-Path $temp 'server.token')).Trim()
    $env:STEP_HEARTBEAT_INTERVAL = '1'
    try { Import-Module $module -Force -Global -ErrorAction Stop }
    catch { $server.Kill($true); throw }
    [pscustomobject]@{ Server = $server; Temp = $temp; Module = $module }
}

function Stop-KubiyaTestEnvironment {
    param($Environment)
    if ($null -eq $Environment) { return }
    Get-Job | Where-Object PSJobTypeName -eq 'KubiyaWorker' | Stop-Job
    Get-Job | Remove-Job -Force
    Remove-Module Kubiya -ErrorAction SilentlyContinue
    if ($Environment.Server -and -not $Environment.Server.HasExited) { $Environment.Server.Kill($true) }
    Remove-Item -Recurse -Force $Environment.Temp -ErrorAction SilentlyContinue
    'KUBIYA_HOME', 'KUBIYA_TEMPORAL_ADDRESS', 'KUBIYA_API_KEY', 'STEP_HEARTBEAT_INTERVAL' | ForEach-Object { Remove-Item "env:$_" -ErrorAction SilentlyContinue }
}

function New-KubiyaTestAgent {
    param([string] $Directory, [string] $Name, [string] $Yaml)
    $dir = Join-Path $Directory '.kubiya/agents'
    New-Item -ItemType Directory -Force -Path $dir | Out-Null
    $path = Join-Path $dir "$Name.yaml"
    Set-Content -Path $path -Value $Yaml -NoNewline
    $path
}

Export-ModuleMember -Function Start-KubiyaTestEnvironment, Stop-KubiyaTestEnvironment, New-KubiyaTestAgent, Get-KubiyaRepoRoot
