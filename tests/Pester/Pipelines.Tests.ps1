# The examples/ pipeline scripts run as their CI systems run them: a new pwsh process with that
# platform's environment variables, its standard output read back for the annotations.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'KubiyaTestHelpers.psm1') -Force
    $script:envInfo = Start-KubiyaTestEnvironment
    $script:examples = Join-Path (Get-KubiyaRepoRoot) 'examples'
    $script:ciStep = Join-Path $examples 'scripts/Invoke-KubiyaCiStep.ps1'
    $script:platformVariables = 'TF_BUILD', 'AGENT_TEMPDIRECTORY', 'GITHUB_ACTIONS', 'GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY', 'GITLAB_CI'

    # Runs pwsh (this same pwsh 7) with $Arguments and $Variables set; returns exit code and stdout lines.
    function Invoke-Pwsh([string[]] $Arguments, [hashtable] $Variables = @{}) {
        $exe = [Environment]::ProcessPath
        $prefix = @()
        # The dotnet tool's pwsh is dotnet running pwsh.dll.
        if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $prefix = @(Join-Path $PSHOME 'pwsh.dll') }
        foreach ($k in $Variables.Keys) { Set-Item "env:$k" $Variables[$k] }
        try {
            # Error records of the child may carry colour codes: compare (and report) plain text.
            $out = & $exe @prefix -NoLogo -NoProfile -NonInteractive @Arguments 2>&1 | ForEach-Object { "$_" -replace "`e\[[0-9;?]*[A-Za-z]", '' }
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Lines = @($out); Text = ($out -join "`n") }
        }
        finally {
            foreach ($k in $Variables.Keys) { Remove-Item "env:$k" -ErrorAction SilentlyContinue }
        }
    }

    function Invoke-CiStep([string] $Prompt, [hashtable] $Variables) {
        Invoke-Pwsh -Arguments @('-File', $ciStep, '-Agent', 'shell', '-Prompt', $Prompt, '-ModulePath', $envInfo.Module) -Variables $Variables
    }
}

AfterAll { Stop-KubiyaTestEnvironment $script:envInfo }

Describe 'Pipeline examples' {
    BeforeEach {
        # The suite itself may run inside a CI system: each test sets only its own platform's variables.
        $script:saved = @{}
        foreach ($v in $platformVariables) { $saved[$v] = [Environment]::GetEnvironmentVariable($v); Remove-Item "env:$v" -ErrorAction SilentlyContinue }
        $script:work = New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid()))
        Push-Location $work
    }
    AfterEach {
        Pop-Location
        foreach ($v in $platformVariables) { if ($null -ne $saved[$v]) { Set-Item "env:$v" $saved[$v] } }
    }

    It 'the pipeline files run the shared step script' {
        Get-Content -Raw (Join-Path $examples 'azure-pipelines.yml') | Should -Match 'task: PowerShell@2[\s\S]*filePath: examples/scripts/Invoke-KubiyaCiStep.ps1'
        Get-Content -Raw (Join-Path $examples 'github/kubiya.yml') | Should -Match 'shell: pwsh\s+run: \./examples/scripts/Invoke-KubiyaCiStep\.ps1'
        Get-Content -Raw (Join-Path $examples '.gitlab-ci.yml') | Should -Match 'pwsh -NonInteractive -File examples/scripts/Invoke-KubiyaCiStep\.ps1'
    }

    It 'Azure DevOps: groups, output variables and an uploaded summary for a completed run' {
        $r = Invoke-CiStep 'echo built-ok' @{ TF_BUILD = 'True'; AGENT_TEMPDIRECTORY = "$work" }
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $r.Lines | Should -Contain "##[group]Step 'shell'"
        $r.Lines | Should -Contain '##[endgroup]'
        $group = [array]::IndexOf($r.Lines, "##[group]Step 'shell'")
        [array]::IndexOf($r.Lines, 'built-ok') | Should -BeGreaterThan $group
        $idLine = $r.Lines | Where-Object { $_ -like '##vso`[task.setvariable variable=execution_id;isOutput=true`]exec-*' }
        $idLine | Should -HaveCount 1
        $r.Lines | Should -Contain '##vso[task.setvariable variable=execution_status;isOutput=true]Completed'
        $upload = $r.Lines | Where-Object { $_ -like '##vso`[task.uploadsummary`]*' }
        $upload | Should -HaveCount 1
        $summary = Get-Content -Raw ($upload -replace '^##vso\[task\.uploadsummary\]', '')
        $summary | Should -Match 'Kubiya execution `exec-[0-9a-f]+`: Completed'
        $summary | Should -Match 'built-ok'
        $r.Lines | Where-Object { $_ -like '##vso`[task.logissue*' } | Should -BeNullOrEmpty
    }

    It 'Azure DevOps: a failed run is an error issue and fails the step' {
        $r = Invoke-CiStep 'echo partial; exit 3' @{ TF_BUILD = 'True' }
        $r.ExitCode | Should -Not -Be 0
        ($r.Lines | Where-Object { $_ -like "##vso``[task.logissue type=error``]Step 'shell' exited with code 3 after *" }) | Should -HaveCount 1
        ($r.Lines | Where-Object { $_ -like '##vso`[task.logissue type=error`]Kubiya execution exec-* failed: *exited with code 3*' }) | Should -HaveCount 1
        $r.Lines | Should -Contain '##vso[task.setvariable variable=execution_status;isOutput=true]Failed'
    }

    It 'GitHub Actions: groups, $GITHUB_OUTPUT and the job summary for a completed run' {
        $output = Join-Path $work 'output.txt'
        $summaryFile = Join-Path $work 'summary.md'
        $r = Invoke-CiStep 'echo gh-ok' @{ GITHUB_ACTIONS = 'true'; GITHUB_OUTPUT = $output; GITHUB_STEP_SUMMARY = $summaryFile }
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $r.Lines | Should -Contain "::group::Step 'shell'"
        $r.Lines | Should -Contain '::endgroup::'
        $outputs = Get-Content $output
        ($outputs | Where-Object { $_ -match '^execution_id=exec-[0-9a-f]+$' }) | Should -HaveCount 1
        $outputs | Should -Contain 'execution_status=Completed'
        $summary = Get-Content -Raw $summaryFile
        $summary | Should -Match '### .* Kubiya execution `exec-[0-9a-f]+`: Completed'
        $summary | Should -Match '\| Agent \| shell \|'
        $summary | Should -Match 'gh-ok'
    }

    It 'GitHub Actions: a failed run is an ::error:: annotation and fails the step' {
        $output = Join-Path $work 'output.txt'
        $summaryFile = Join-Path $work 'summary.md'
        $r = Invoke-CiStep 'exit 4' @{ GITHUB_ACTIONS = 'true'; GITHUB_OUTPUT = $output; GITHUB_STEP_SUMMARY = $summaryFile }
        $r.ExitCode | Should -Not -Be 0
        ($r.Lines | Where-Object { $_ -like "::error title=Kubiya::Step 'shell' exited with code 4 after *" }) | Should -HaveCount 1
        Get-Content $output | Should -Contain 'execution_status=Failed'
        Get-Content -Raw $summaryFile | Should -Match '\*\*Error:\*\* .*exited with code 4'
    }

    It 'GitLab (no annotation commands): a plain log, and a failed run fails the job' {
        $ok = Invoke-CiStep 'echo gl-ok' @{ GITLAB_CI = 'true' }
        $ok.ExitCode | Should -Be 0 -Because $ok.Text
        $ok.Lines | Should -Contain 'gl-ok'
        $ok.Lines | Where-Object { $_ -like '##*' -or $_ -like '::*' } | Should -BeNullOrEmpty
        (Invoke-CiStep 'exit 5' @{ GITLAB_CI = 'true' }).ExitCode | Should -Not -Be 0
    }

    It '-CIMode None turns the annotations off inside a CI system' {
        $r = Invoke-Pwsh -Arguments @('-Command', "Import-Module '$($envInfo.Module)'; Invoke-KubiyaExec -Agent shell 'echo quiet' -Local -Yes -CIMode None | Out-Null") -Variables @{ TF_BUILD = 'True' }
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $r.Lines | Should -Contain 'quiet'
        $r.Lines | Where-Object { $_ -like '##*' } | Should -BeNullOrEmpty
    }

    It 'pwsh -NonInteractive -Command exits non-zero when the execution fails' {
        $r = Invoke-Pwsh -Arguments @('-Command', "Import-Module '$($envInfo.Module)'; Invoke-KubiyaExec -Agent shell 'exit 6' -Local -Yes | Out-Null")
        $r.ExitCode | Should -Not -Be 0
    }

    It 'the kubiya CLI: --ci-mode github annotates and the exit code fails the step' {
        $cli = Join-Path $envInfo.Module 'Cli/kubiya.dll'
        $output = Join-Path $work 'cli-output.txt'
        $env:GITHUB_OUTPUT = $output
        try { $lines = @(& dotnet $cli exec agent shell 'exit 3' --local --yes --ci-mode github 2>&1 | ForEach-Object { "$_" }) }
        finally { Remove-Item env:GITHUB_OUTPUT }
        $LASTEXITCODE | Should -Be 1
        $lines | Should -Contain "::group::Step 'shell'"
        ($lines | Where-Object { $_ -like "::error title=Kubiya::Step 'shell' exited with code 3 after *" }) | Should -HaveCount 1
        Get-Content $output | Should -Contain 'execution_status=Failed'
    }

    It 'the scheduled-task script logs one line per run and exits with the result' {
        $script = Join-Path $examples 'scheduled-task/Invoke-KubiyaNightly.ps1'
        $log = Join-Path $work 'nightly.log'
        $ok = Invoke-Pwsh -Arguments @('-File', $script, '-Agent', 'shell', '-Prompt', 'echo nightly', '-LogPath', $log, '-ModulePath', $envInfo.Module)
        $ok.ExitCode | Should -Be 0 -Because $ok.Text
        $bad = Invoke-Pwsh -Arguments @('-File', $script, '-Agent', 'shell', '-Prompt', 'exit 9', '-LogPath', $log, '-ModulePath', $envInfo.Module)
        $bad.ExitCode | Should -Be 1
        $lines = Get-Content $log
        $lines | Should -HaveCount 2
        $lines[0] | Should -Match ' exec-[0-9a-f]+ Completed$'
        $lines[1] | Should -Match ' exec-[0-9a-f]+ Failed .*exited with code 9'
    }
}
