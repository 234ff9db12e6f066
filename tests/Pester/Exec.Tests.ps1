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

Describe 'Agents piped into Invoke-KubiyaExec' {
    BeforeEach { Push-Location (New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid()))) }
    AfterEach { Pop-Location }

    It 'runs a piped agent as -Agent and a piped team as -Team, with the prompt given' {
        New-KubiyaTestAgent -Directory $PWD -Name greet -Yaml "name: greet`nsteps:`n  - shell: echo greet-`$KUBIYA_PROMPT`n" | Out-Null
        New-KubiyaTestAgent -Directory $PWD -Name crew -Yaml "name: crew`nkind: team`nagents: [greet]`n" | Out-Null
        $agent = Get-KubiyaAgent -Name greet | Invoke-KubiyaExec 'piped' -Local -Yes
        $agent.Status | Should -Be 'Completed'
        $agent.Agent | Should -Be 'greet'
        $agent.Output.Trim() | Should -Be 'greet-piped'
        $team = Get-KubiyaAgent -Name crew | Invoke-KubiyaExec 'as-team' -Local -Yes
        $team.Team | Should -Be 'crew'
        $team.Agent | Should -BeNullOrEmpty
        $team.Output.Trim() | Should -Be 'greet-as-team'
        # The agent's own executions, piped the same way.
        (Get-KubiyaAgent -Name greet | Get-KubiyaExecution -First 5).Id | Should -Contain $agent.Id
        (Get-KubiyaAgent -Name crew | Get-KubiyaExecution -First 5).Id | Should -Contain $team.Id
    }

    It 'refuses a piped agent without a prompt with PromptRequired, and strings still bind to -Prompt' {
        $before = @(Get-KubiyaExecution -Agent shell).Count
        $out = Get-KubiyaAgent -Name shell | Invoke-KubiyaExec -Local -Yes -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PromptRequired,*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        "$($err[0])" | Should -BeLike "No task for agent 'shell'*Get-KubiyaAgent shell | Invoke-KubiyaExec 'TASK'*"
        @(Get-KubiyaExecution -Agent shell).Count | Should -Be $before
        ('echo from-a-string' | Invoke-KubiyaExec -Agent shell -Local -Yes).Output.Trim() | Should -Be 'from-a-string'
    }
}
