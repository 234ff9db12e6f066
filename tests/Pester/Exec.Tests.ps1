BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'KubiyaTestHelpers.psm1') -Force
    $script:envInfo = Start-KubiyaTestEnvironment
    $script:shellEcho = if ($IsWindows) { 'echo hi' } else { 'echo hi' }
}

AfterAll { Stop-KubiyaTestEnvironment $script:envInfo }

Describe 'Invoke-KubiyaExec' {
    BeforeEach { Push-Location (New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid()))) }
    AfterEach { Pop-Location }

    It 'runs a shell command locally and returns the execution' {
        $e = Invoke-KubiyaExec -Agent shell 'echo hi' -Local -Yes
        $e.Status | Should -Be 'Completed'
        $e.Output.Trim() | Should -Be 'hi'
        $e.Queue | Should -BeLike 'local-*'
    }

    It 'streams output to the Information stream' {
        $null = Invoke-KubiyaExec -Agent shell 'echo streamed' -Local -InformationVariable info -InformationAction SilentlyContinue
        ($info | Where-Object { $_.Tags -contains 'Output' }).MessageData.Message | Should -Contain 'streamed'
    }

    It 'leaves no worker job behind with -Local' {
        $null = Invoke-KubiyaExec -Agent shell 'echo x' -Local -Yes
        @(Get-Job | Where-Object PSJobTypeName -eq 'KubiyaWorker').Count | Should -Be 0
    }

    It 'fails the pipeline step with -ErrorAction Stop when a step fails' {
        { Invoke-KubiyaExec -Agent shell 'exit 3' -Local -Yes -ErrorAction Stop } | Should -Throw -ErrorId 'ExecutionFailed,Kubiya.PowerShell.Commands.InvokeKubiyaExecCommand'
    }

    It 'returns a Failed execution and writes an error record' {
        $e = Invoke-KubiyaExec -Agent shell 'exit 3' -Local -ErrorVariable err -ErrorAction SilentlyContinue
        $e.Status | Should -Be 'Failed'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidResult'
    }

    It 'runs a runbook agent from ./.kubiya/agents' {
        New-KubiyaTestAgent -Directory $PWD -Name build -Yaml "name: build`nsteps:`n  - shell: echo one`n  - shell: echo two`n" | Out-Null
        (Invoke-KubiyaExec -Agent build 'go' -Local).Output.Trim() -split "`n" | Should -Be @('one', 'two')
    }

    It 'runs the powershell agent' {
        (Invoke-KubiyaExec -Agent powershell '"sum=" + (2 + 3)' -Local).Output.Trim() | Should -Be 'sum=5'
    }

    It 'reports an unknown agent as ObjectNotFound' {
        Invoke-KubiyaExec -Agent nosuch 'x' -Local -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AgentNotFound,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}
