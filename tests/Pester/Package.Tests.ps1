# build.ps1 Package makes a .nupkg that PSResourceGet installs from a folder repository, and the
# installed module works in a new pwsh process. Every pwsh here runs with its own HOME (and
# XDG_DATA_HOME), so the repository registration and the install touch no real user profile.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'KubiyaTestHelpers.psm1') -Force
    $script:envInfo = Start-KubiyaTestEnvironment
    $script:root = Get-KubiyaRepoRoot
    $script:configuration = Split-Path (Split-Path $envInfo.Module -Parent) -Leaf
    $script:userHome = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'home')
    # .NET resolves the data folders only when they exist (else '' and PSResourceGet writes to the
    # current folder).
    foreach ($d in '.local/share', '.config', 'AppData/Local') { New-Item -ItemType Directory -Force -Path (Join-Path $userHome $d) | Out-Null }

    # A new pwsh (this same pwsh 7) with the throw-away profile; returns exit code and output.
    function Invoke-IsolatedPwsh([string[]] $Arguments) {
        $exe = [Environment]::ProcessPath
        $prefix = @()
        if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $prefix = @(Join-Path $PSHOME 'pwsh.dll') }
        $saved = @{ HOME = $env:HOME; XDG_DATA_HOME = $env:XDG_DATA_HOME; XDG_CONFIG_HOME = $env:XDG_CONFIG_HOME; PSModulePath = $env:PSModulePath; LOCALAPPDATA = $env:LOCALAPPDATA; USERPROFILE = $env:USERPROFILE }
        $env:HOME = "$userHome"; $env:USERPROFILE = "$userHome"
        $env:XDG_DATA_HOME = Join-Path $userHome '.local/share'
        $env:XDG_CONFIG_HOME = Join-Path $userHome '.config'
        $env:LOCALAPPDATA = Join-Path $userHome 'AppData/Local'
        # Only the new pwsh's own module folders: not the repository's out/ nor anything inherited.
        Remove-Item env:PSModulePath -ErrorAction SilentlyContinue
        try {
            $out = & $exe @prefix -NoLogo -NoProfile -NonInteractive @Arguments 2>&1 | ForEach-Object { "$_" -replace "`e\[[0-9;?]*[A-Za-z]", '' }
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Text = ($out -join "`n") }
        }
        finally {
            foreach ($k in $saved.Keys) { if ($null -eq $saved[$k]) { Remove-Item "env:$k" -ErrorAction SilentlyContinue } else { Set-Item "env:$k" $saved[$k] } }
        }
    }
}

AfterAll { Stop-KubiyaTestEnvironment $script:envInfo }

Describe 'build.ps1 Package' {
    It 'writes a module nupkg that Install-PSResource installs and a new pwsh imports and runs' {
        # Packaging runs with the real profile: its dotnet tool restore reads the NuGet cache there.
        $exe = [Environment]::ProcessPath
        $prefix = @()
        if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $prefix = @(Join-Path $PSHOME 'pwsh.dll') }
        $out = & $exe @prefix -NoLogo -NoProfile -NonInteractive -File (Join-Path $root 'build.ps1') Package -Configuration $configuration -NoBuild 2>&1
        $build = [pscustomobject]@{ ExitCode = $LASTEXITCODE; Text = ($out -join "`n") }
        $build.ExitCode | Should -Be 0 -Because $build.Text
        $package = Get-ChildItem -Path (Join-Path $root 'out/packages') -Filter 'Kubiya.*.nupkg'
        $package | Should -HaveCount 1
        $version = (Import-PowerShellDataFile (Join-Path $envInfo.Module 'Kubiya.psd1')).ModuleVersion
        $package.Name | Should -Be "Kubiya.$version.nupkg"

        $repository = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'repository')
        Copy-Item $package.FullName $repository
        $install = Invoke-IsolatedPwsh @('-Command', @"
Register-PSResourceRepository -Name KubiyaLocal -Uri '$repository' -Trusted -ErrorAction Stop
Install-PSResource -Name Kubiya -Repository KubiyaLocal -Scope CurrentUser -ErrorAction Stop
(Get-InstalledPSResource -Name Kubiya -ErrorAction Stop).InstalledLocation
"@)
        $install.ExitCode | Should -Be 0 -Because $install.Text
        $install.Text | Should -Match ([regex]::Escape("$userHome"))
        if (-not $IsWindows) {
            # The registration went to the throw-away profile, nowhere else.
            Join-Path $userHome '.local/share/PSResourceGet/PSResourceRepository.xml' | Should -Exist
            Join-Path (Get-Location) 'PSResourceGet' | Should -Not -Exist
        }

        $run = Invoke-IsolatedPwsh @('-Command', @"
Import-Module Kubiya -ErrorAction Stop
'base=' + (Get-Module Kubiya).ModuleBase
`$e = Invoke-KubiyaExec -Agent shell 'echo hi' -Local -Yes -ErrorAction Stop
'status=' + `$e.Status
'output=' + `$e.Output.Trim()
"@)
        $run.ExitCode | Should -Be 0 -Because $run.Text
        $run.Text | Should -Match ('base=' + [regex]::Escape("$userHome") + '.*Kubiya')
        $run.Text | Should -Match 'status=Completed'
        $run.Text | Should -Match 'output=hi'
    }
}
