BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'KubiyaTestHelpers.psm1') -Force
    $script:envInfo = Start-KubiyaTestEnvironment

    # What the user gets pressing Tab at the end of $line.
    function Get-Completion([string] $line) {
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
    }
}

AfterAll { Stop-KubiyaTestEnvironment $script:envInfo }

Describe 'Argument completion' {
    BeforeEach { Push-Location (New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid()))) }
    AfterEach { Pop-Location }

    It '-Agent offers the project and home catalogues and the built-ins, not teams' {
        New-KubiyaTestAgent -Directory $PWD -Name build-app -Yaml "name: build-app`ndescription: builds the app`nsteps:`n  - shell: echo b`n" | Out-Null
        $homeAgents = New-Item -ItemType Directory -Force -Path (Join-Path $env:KUBIYA_HOME 'agents')
        Set-Content -Path (Join-Path $homeAgents 'build-docs.yaml') -Value "name: build-docs`nsteps:`n  - shell: echo d`n"
        New-KubiyaTestAgent -Directory $PWD -Name build-crew -Yaml "name: build-crew`nkind: team`nagents: [build-app, build-docs]`n" | Out-Null
        $m = Get-Completion 'Invoke-KubiyaExec -Agent build'
        $m.CompletionText | Should -Be @('build-app', 'build-docs')
        ($m | Where-Object CompletionText -eq 'build-app').ToolTip | Should -BeLike '*builds the app*'
        (Get-Completion 'Invoke-KubiyaExec -Agent sh').CompletionText | Should -Be @('shell')
    }

    It '-Model offers the model names of the -ModelConfig typed, else of ~/.kubiya/models.yaml, with their price' {
        Set-Content -Path (Join-Path $PWD 'team-models.yaml') -Value "model_list:`n  - model_name: fast-mini`n    litellm_params: { model: openai/gpt-4o-mini, api_key: os.environ/SOME_KEY }`n    model_info: { input_cost_per_token: 0.00000015, output_cost_per_token: 0.0000006 }`n  - model_name: fast-big`n    litellm_params: { model: openai/gpt-4o, api_key: os.environ/SOME_KEY }`n"
        $homeModels = Join-Path $env:KUBIYA_HOME 'models.yaml'
        Set-Content -Path $homeModels -Value "model_list:`n  - model_name: fastest-home`n    litellm_params: { model: ollama/llama3.1 }`n"
        try {
            $m = Get-Completion 'Invoke-KubiyaExec -Agent x -ModelConfig ./team-models.yaml -Model fast'
            $m.CompletionText | Should -Be @('fast-big', 'fast-mini')
            ($m | Where-Object CompletionText -eq 'fast-mini').ToolTip | Should -Be 'openai/gpt-4o-mini, $0.15 / $0.6 per million tokens in / out'
            (Get-Completion 'Invoke-KubiyaExec -Agent x -Model fast').CompletionText | Should -Be @('fastest-home')
            (Get-Completion 'New-KubiyaPlan x -Model fast').CompletionText | Should -Be @('fastest-home')
        }
        finally { Remove-Item $homeModels }
    }

    It '-Agent completes from the folder given with -Cwd' {
        $other = New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid()))
        New-KubiyaTestAgent -Directory $other -Name elsewhere -Yaml "name: elsewhere`nsteps:`n  - shell: echo e`n" | Out-Null
        (Get-Completion 'Invoke-KubiyaExec -Agent else').CompletionText | Should -BeNullOrEmpty
        (Get-Completion "Invoke-KubiyaExec -Cwd '$other' -Agent else").CompletionText | Should -Be @('elsewhere')
    }

    It '-Team offers only teams, with their members in the tooltip' {
        New-KubiyaTestAgent -Directory $PWD -Name alpha -Yaml "name: alpha`nsteps:`n  - shell: echo a`n" | Out-Null
        New-KubiyaTestAgent -Directory $PWD -Name crew -Yaml "name: crew`nkind: team`nagents: [alpha]`n" | Out-Null
        $m = Get-Completion 'Invoke-KubiyaExec -Team '
        $m.CompletionText | Should -Be @('crew')
        $m[0].ToolTip | Should -BeLike '*alpha*'
    }

    It '-QueueId offers the queues of running session workers and worker folders' {
        $q = 'cq-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $w = Start-KubiyaWorker -QueueId $q
        try {
            (Get-Completion 'Start-KubiyaWorker -QueueId cq-').CompletionText | Should -Contain $q
            (Get-Completion 'Invoke-KubiyaExec -Agent shell x -Queue cq-').CompletionText | Should -Contain $q
            (Get-Completion 'Get-KubiyaWorker -QueueId cq-').CompletionText | Should -Contain $q
        }
        finally { $w | Stop-Job -PassThru | Remove-Job }
    }

    It '-Queue offers queues that recent executions went to' {
        $q = 'sent-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $e = Invoke-KubiyaExec -Agent shell 'echo x' -Queue $q -Cwd . -NoWait -WarningAction SilentlyContinue
        try {
            $m = Get-Completion 'Get-KubiyaExecution -Queue sent-'
            $m.CompletionText | Should -Contain $q
            ($m | Where-Object CompletionText -eq $q).ToolTip | Should -BeLike "*$($e.Id)*"
        }
        finally { Stop-KubiyaExecution -Id $e.Id -Confirm:$false -ErrorAction SilentlyContinue }
    }

    It '-Id offers recent executions newest first with the status in the tooltip' {
        $first = Invoke-KubiyaExec -Agent shell 'echo first' -Local -Yes
        $second = Invoke-KubiyaExec -Agent shell 'exit 5' -Local -Yes -ErrorAction SilentlyContinue
        $m = @(Get-Completion 'Get-KubiyaExecution -Id exec-')
        $ids = @($m.CompletionText)
        $ids | Should -Contain $first.Id
        $ids | Should -Contain $second.Id
        [array]::IndexOf($ids, $second.Id) | Should -BeLessThan ([array]::IndexOf($ids, $first.Id))
        ($m | Where-Object CompletionText -eq $first.Id).ToolTip | Should -BeLike 'Completed*echo first*'
        ($m | Where-Object CompletionText -eq $second.Id).ToolTip | Should -BeLike 'Failed*'
        # The prefix narrows the list to one id.
        (Get-Completion "Get-KubiyaExecutionLog -Id $($first.Id)").CompletionText | Should -Be @($first.Id)
    }

    It 'Stop-KubiyaExecution -Id offers only executions that have not finished' {
        $q = 'stop-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $done = Invoke-KubiyaExec -Agent shell 'echo done' -Local -Yes
        $waiting = Invoke-KubiyaExec -Agent shell 'echo later' -Queue $q -Cwd . -NoWait -WarningAction SilentlyContinue
        try {
            $ids = @((Get-Completion 'Stop-KubiyaExecution -Id exec-').CompletionText)
            $ids | Should -Contain $waiting.Id
            $ids | Should -Not -Contain $done.Id
        }
        finally { Stop-KubiyaExecution -Id $waiting.Id -Confirm:$false -ErrorAction SilentlyContinue }
    }

    It 'schedule names complete for the schedule cmdlets and Get-KubiyaExecution -Schedule' {
        $name = 'nightly-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $null = New-KubiyaSchedule -Name $name -Cron '0 2 * * *' -Agent shell -Prompt 'echo nightly' -Queue sched-q -Paused
        try {
            foreach ($line in 'Get-KubiyaSchedule -Name nightly-', 'Remove-KubiyaSchedule -Name nightly-', 'Start-KubiyaSchedule -Name nightly-',
                'Set-KubiyaSchedule -Name nightly-', 'Suspend-KubiyaSchedule -Name nightly-', 'Resume-KubiyaSchedule -Name nightly-',
                'Get-KubiyaExecution -Schedule nightly-') {
                (Get-Completion $line).CompletionText | Should -Contain $name -Because $line
            }
            $m = Get-Completion "Get-KubiyaSchedule -Name $name"
            $m.CompletionText | Should -Be @($name)
            $m[0].ToolTip | Should -BeLike '0 2 * * * | shell | paused | echo nightly'
        }
        finally { Remove-KubiyaSchedule -Name $name -Confirm:$false }
    }

    It 'New-KubiyaSchedule and Set-KubiyaSchedule complete agents, teams and queues; Get-KubiyaAgent -Name both' {
        New-KubiyaTestAgent -Directory $PWD -Name nightly-job -Yaml "name: nightly-job`nsteps:`n  - shell: echo n`n" | Out-Null
        New-KubiyaTestAgent -Directory $PWD -Name nightly-crew -Yaml "name: nightly-crew`nkind: team`nagents: [nightly-job]`n" | Out-Null
        (Get-Completion 'New-KubiyaSchedule -Agent nightly').CompletionText | Should -Be @('nightly-job')
        (Get-Completion 'New-KubiyaSchedule -Team nightly').CompletionText | Should -Be @('nightly-crew')
        (Get-Completion 'Set-KubiyaSchedule -Name x -Agent nightly').CompletionText | Should -Be @('nightly-job')
        (Get-Completion 'Set-KubiyaSchedule -Name x -Team nightly').CompletionText | Should -Be @('nightly-crew')
        (Get-Completion 'Get-KubiyaAgent -Name nightly').CompletionText | Should -Be @('nightly-job', 'nightly-crew')
        $q = 'sq-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $w = Start-KubiyaWorker -QueueId $q
        try {
            (Get-Completion 'New-KubiyaSchedule -Queue sq-').CompletionText | Should -Contain $q
            (Get-Completion 'Set-KubiyaSchedule -Name x -Queue sq-').CompletionText | Should -Contain $q
        }
        finally { $w | Stop-Job -PassThru | Remove-Job }
    }

    It '-Queue leaves out the one-run queues of -Local executions' {
        $local = Invoke-KubiyaExec -Agent shell 'echo local' -Local -Yes
        $local.Queue | Should -BeLike 'local-*'
        (Get-Completion 'Get-KubiyaExecution -Queue local-').CompletionText | Should -Not -Contain $local.Queue
        (Get-Completion 'Invoke-KubiyaExec -Agent shell x -Queue ').CompletionText | Should -Not -Contain $local.Queue
    }
}
