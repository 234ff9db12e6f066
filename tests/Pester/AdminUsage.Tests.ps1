# The module as an admin uses it at a real pwsh prompt: views, the object cmdlets, errors caught
# with try/catch, -WhatIf. (JSON / CSV shapes: ObjectShapes.Tests.ps1.)
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'KubiyaTestHelpers.psm1') -Force
    $script:envInfo = Start-KubiyaTestEnvironment
    $script:q = 'adm-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    $script:worker = Start-KubiyaWorker -QueueId $q
    Push-Location $TestDrive
    $script:done = Invoke-KubiyaExec -Agent shell 'echo admin-output' -Queue $q -Cwd .
    $script:failed = Invoke-KubiyaExec -Agent shell 'exit 7' -Queue $q -Cwd . -ErrorAction SilentlyContinue

    # The FullyQualifiedErrorId of what $Script throws with -ErrorAction Stop, caught as a user would.
    function Get-CaughtErrorId([scriptblock] $Script) {
        try { $null = & $Script; return '<nothing thrown>' }
        catch { return $_.FullyQualifiedErrorId }
    }
}

AfterAll {
    Pop-Location
    Stop-KubiyaTestEnvironment $script:envInfo
}

Describe 'Views' {
    It 'the default table view renders executions with their key columns' {
        $text = Get-KubiyaExecution -Id $done.Id, $failed.Id | Out-String -Width 120
        $text | Should -Match '(?m)^Id\s+Status\b'
        $text | Should -Match ([regex]::Escape($done.Id) + '\s+Completed')
        $text | Should -Match ([regex]::Escape($failed.Id) + '\s+Failed')
    }

    It 'Format-List shows every property by name' {
        $text = Get-KubiyaExecution -Id $done.Id | Format-List | Out-String -Width 120
        $text | Should -Match ('(?m)^Id\s+: ' + [regex]::Escape($done.Id))
        $text | Should -Match '(?m)^Agent\s+: shell'
        $text | Should -Match "(?m)^Queue\s+: $q"
        $text | Should -Match '(?m)^Prompt\s+: echo admin-output'
        $text | Should -Match '(?m)^Output\s+: admin-output'
    }

    It 'workers, log entries and agents render in their table views' {
        $text = Get-KubiyaWorker -QueueId $q | Out-String -Width 120
        $text | Should -Match '(?m)^QueueId\s+Identity\s+Source\s+State'
        $text | Should -Match "$q\s+\S+\s+Job\s+Running"
        Get-KubiyaExecutionLog -Id $done.Id | Out-String -Width 120 | Should -Match 'admin-output'
        $agents = Get-KubiyaAgent | Out-String -Width 120
        $agents | Should -Match '(?m)^Name\s+Kind'
        $agents | Should -Match '(?m)^shell\s'
    }
}

Describe 'Executions in the pipeline' {
    It 'Where-Object and Select-Object work on the properties' {
        $rows = Get-KubiyaExecution -Queue $q | Where-Object { $_.Status -eq 'Failed' } | Select-Object Id, Agent, Queue
        $rows.Id | Should -Be @($failed.Id)
        $rows[0].Agent | Should -Be 'shell'
        $rows[0].Queue | Should -Be $q
    }

    It 'Sort-Object and Group-Object see statuses by name' {
        $groups = Get-KubiyaExecution -Queue $q | Group-Object Status
        ($groups | Where-Object Name -eq 'Completed').Count | Should -BeGreaterOrEqual 1
        ($groups | Where-Object Name -eq 'Failed').Count | Should -Be 1
    }

    It 'ConvertTo-Json round-trips the identifying fields' {
        $json = Get-KubiyaExecution -Id $done.Id | ConvertTo-Json -Depth 3
        $back = $json | ConvertFrom-Json
        $back.Id | Should -Be $done.Id
        $back.Agent | Should -Be 'shell'
        $back.Queue | Should -Be $q
        $back.Prompt | Should -Be 'echo admin-output'
        $back.Output.Trim() | Should -Be 'admin-output'
    }

    It 'Export-Csv writes one row per execution' {
        $csv = Join-Path $TestDrive 'executions.csv'
        Get-KubiyaExecution -Id $done.Id, $failed.Id | Export-Csv -Path $csv -NoTypeInformation
        $rows = Import-Csv -Path $csv
        $rows.Count | Should -Be 2
        $rows.Id | Should -Be @($done.Id, $failed.Id)
        $rows[1].Error | Should -Match 'exited with code 7'
    }

    It 'Wait-KubiyaExecution and Get-KubiyaExecutionLog take executions from the pipeline' {
        (Get-KubiyaExecution -Id $done.Id | Wait-KubiyaExecution).Id | Should -Be $done.Id
        (Get-KubiyaExecution -Id $done.Id | Get-KubiyaExecutionLog | Where-Object Kind -eq 'Output').Text | Should -Be 'admin-output'
    }
}

Describe 'Errors caught with -ErrorAction Stop' {
    It 'an unknown agent' {
        Get-CaughtErrorId { Invoke-KubiyaExec -Agent nosuch 'x' -Local -ErrorAction Stop } |
            Should -Be 'AgentNotFound,Kubiya.PowerShell.Commands.InvokeKubiyaExecCommand'
        Get-CaughtErrorId { Get-KubiyaAgent -Name nosuch -ErrorAction Stop } |
            Should -Be 'AgentNotFound,Kubiya.PowerShell.Commands.GetKubiyaAgentCommand'
    }

    It 'an unknown team, in team terms' {
        $err = $null
        $null = Invoke-KubiyaExec -Team no-such-crew 'x' -Local -Yes -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AgentNotFound,*'
        $err[0].Exception.Message | Should -BeLike "No team named 'no-such-crew'. No teams are defined here*"
    }

    It 'a queue id no worker could poll is refused before anything is queued' {
        $before = @(Get-KubiyaExecution -First 100).Count
        $err = $null
        $null = Invoke-KubiyaExec -Agent shell 'echo x' -Queue 'ops/../x' -NoWait -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidQueueId,*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        @(Get-KubiyaExecution -First 100).Count | Should -Be $before
        Get-CaughtErrorId { New-KubiyaSchedule -Name bad-q -Cron '0 * * * *' -Agent shell -Prompt x -Queue 'a/b' -ErrorAction Stop } | Should -BeLike 'InvalidQueueId,*'
    }

    It 'a model configuration file that does not exist, even for a runbook' {
        $err = $null
        $r = Invoke-KubiyaExec -Agent shell 'echo never' -Local -Yes -ModelConfig ./no-models.yaml -ErrorVariable err -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ModelConfigNotFound,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -BeLike "*no-models.yaml' does not exist."
    }

    It 'a failed step' {
        Get-CaughtErrorId { Invoke-KubiyaExec -Agent shell 'exit 2' -Local -Yes -ErrorAction Stop } |
            Should -Be 'ExecutionFailed,Kubiya.PowerShell.Commands.InvokeKubiyaExecCommand'
    }

    It 'a missing working directory' {
        Get-CaughtErrorId { Invoke-KubiyaExec -Agent shell 'echo x' -Local -Cwd (Join-Path $TestDrive 'no-such-dir') -ErrorAction Stop } |
            Should -Be 'WorkingDirectoryNotFound,Kubiya.PowerShell.Commands.InvokeKubiyaExecCommand'
    }

    It 'an unknown execution id, for each cmdlet that takes one' {
        Get-CaughtErrorId { Get-KubiyaExecution -Id exec-missing -ErrorAction Stop } |
            Should -Be 'ExecutionNotFound,Kubiya.PowerShell.Commands.GetKubiyaExecutionCommand'
        Get-CaughtErrorId { Get-KubiyaExecutionLog -Id exec-missing -ErrorAction Stop } |
            Should -Be 'ExecutionNotFound,Kubiya.PowerShell.Commands.GetKubiyaExecutionLogCommand'
        Get-CaughtErrorId { Wait-KubiyaExecution -Id exec-missing -Timeout 5 -ErrorAction Stop } |
            Should -Be 'ExecutionNotFound,Kubiya.PowerShell.Commands.WaitKubiyaExecutionCommand'
        Get-CaughtErrorId { Stop-KubiyaExecution -Id exec-missing -Confirm:$false -ErrorAction Stop } |
            Should -Be 'ExecutionNotFound,Kubiya.PowerShell.Commands.StopKubiyaExecutionCommand'
        Get-CaughtErrorId { Send-KubiyaExecutionInput -Id exec-missing -Answer yes -Confirm:$false -ErrorAction Stop } |
            Should -Be 'ExecutionNotFound,Kubiya.PowerShell.Commands.SendKubiyaExecutionInputCommand'
    }

    It 'an answer to an execution that asks nothing' {
        $id = Get-CaughtErrorId { Send-KubiyaExecutionInput -Id $done.Id -Answer yes -Confirm:$false -ErrorAction Stop }
        $id | Should -BeLike '*,Kubiya.PowerShell.Commands.SendKubiyaExecutionInputCommand'
        $id | Should -Not -BeLike 'KubiyaUnexpectedError,*'
    }

    It 'an unknown queue or job id for Stop-KubiyaWorker' {
        Get-CaughtErrorId { Stop-KubiyaWorker -QueueId 'no-worker-here' -Confirm:$false -ErrorAction Stop } |
            Should -Be 'WorkerNotFound,Kubiya.PowerShell.Commands.StopKubiyaWorkerCommand'
        Get-CaughtErrorId { Stop-KubiyaWorker -Id 99999 -Confirm:$false -ErrorAction Stop } |
            Should -Be 'WorkerJobNotFound,Kubiya.PowerShell.Commands.StopKubiyaWorkerCommand'
    }

    It 'messages give PowerShell syntax, not the CLI''s' {
        $err = $null
        Invoke-KubiyaExec -Agent shell 'echo x' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'QueueRequired,*'
        "$($err[0])" | Should -Match '\(-Queue\)'
        "$($err[0])" | Should -Match '\(-Local\)'
        "$($err[0])" | Should -Not -Match '--queue|--local'
        Invoke-KubiyaExec -Team shell 'x' -Local -ErrorVariable err -ErrorAction SilentlyContinue
        "$($err[0])" | Should -Match 'use -Agent\.'
    }

    It 'a parameter value PowerShell itself rejects' {
        Get-CaughtErrorId { Get-KubiyaExecution -Status Sleeping -ErrorAction Stop } |
            Should -Be 'ParameterArgumentValidationError,Kubiya.PowerShell.Commands.GetKubiyaExecutionCommand'
    }
}

Describe 'Worker jobs with the job cmdlets' {
    It 'Get-Job, Receive-Job -Keep, Stop-Job and Remove-Job' {
        $wq = 'job-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $job = Start-KubiyaWorker -QueueId $wq
        (Get-Job | Where-Object PSJobTypeName -eq 'KubiyaWorker').Id | Should -Contain $job.Id
        $null = Invoke-KubiyaExec -Agent shell 'echo via-job' -Queue $wq -Cwd .
        $log = (Receive-Job -Job $job -Keep) -join "`n"
        $log | Should -Match "polling queue '$wq'"
        ((Receive-Job -Job $job -Keep) -join "`n") | Should -Be $log
        Stop-Job -Job $job
        $job.State | Should -Be 'Stopped'
        Remove-Job -Job $job
        Get-Job -Id $job.Id -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'Remove-Job refuses a running worker unless -Force' {
        $wq = 'rm-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $job = Start-KubiyaWorker -QueueId $wq
        Get-CaughtErrorId { Remove-Job -Job $job -ErrorAction Stop } | Should -BeLike 'JobObjectNotFinishedCannotBeRemoved,*'
        Remove-Job -Job $job -Force
        Get-Job -Id $job.Id -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $job.State | Should -Be 'Stopped'
    }

    It 'Stop-KubiyaWorker stops a session worker by queue' {
        $wq = 'skw-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $job = Start-KubiyaWorker -QueueId $wq
        Stop-KubiyaWorker -QueueId $wq -Confirm:$false
        $job.State | Should -Be 'Stopped'
    }
}

Describe '-WhatIf' {
    It 'Start-KubiyaWorker -WhatIf starts no worker, as a job or a daemon' {
        $wq = 'wiw-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $jobsBefore = @(Get-Job).Count
        Start-KubiyaWorker -QueueId $wq -WhatIf | Should -BeNullOrEmpty
        Start-KubiyaWorker -QueueId $wq -Daemon -WhatIf | Should -BeNullOrEmpty
        @(Get-Job).Count | Should -Be $jobsBefore
        Get-KubiyaWorker | Where-Object QueueId -eq $wq | Should -BeNullOrEmpty
        Test-Path (Join-Path $env:KUBIYA_HOME "workers/$wq") | Should -BeFalse
        (Get-Command Start-KubiyaWorker).Parameters.Keys | Should -Contain 'Confirm'
    }

    It 'Stop-KubiyaExecution -WhatIf cancels nothing' {
        $pq = 'wi-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $e = Invoke-KubiyaExec -Agent shell 'echo pending' -Queue $pq -Cwd . -NoWait -WarningAction SilentlyContinue
        try {
            Stop-KubiyaExecution -Id $e.Id -WhatIf
            (Get-KubiyaExecution -Id $e.Id).Status | Should -Be 'Pending'
        }
        finally { Stop-KubiyaExecution -Id $e.Id -Confirm:$false -ErrorAction SilentlyContinue }
    }

    It 'Stop-KubiyaWorker -WhatIf leaves the worker running' {
        $wq = 'wiw-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $job = Start-KubiyaWorker -QueueId $wq
        Stop-KubiyaWorker -QueueId $wq -WhatIf
        $job.State | Should -Be 'Running'
        $job | Stop-Job -PassThru | Remove-Job
    }

    It 'Send-KubiyaExecutionInput -WhatIf sends no answer' {
        New-KubiyaTestAgent -Directory $PWD -Name gate -Yaml "name: gate`nsteps:`n  - approval: Proceed?`n  - shell: echo passed`n" | Out-Null
        $e = Invoke-KubiyaExec -Agent gate 'go' -Queue $q -Cwd . -NoWait
        $deadline = (Get-Date).AddSeconds(60)
        do { Start-Sleep -Milliseconds 200; $x = Get-KubiyaExecution -Id $e.Id } until ($x.Status -eq 'WaitingForInput' -or (Get-Date) -gt $deadline)
        Send-KubiyaExecutionInput -Id $e.Id -Answer yes -WhatIf
        Start-Sleep -Seconds 1
        (Get-KubiyaExecution -Id $e.Id).Status | Should -Be 'WaitingForInput'
        Send-KubiyaExecutionInput -Id $e.Id -Answer yes -Confirm:$false
        (Wait-KubiyaExecution -Id $e.Id -Timeout 60).Status | Should -Be 'Completed'
    }

    It 'Register-KubiyaWorkerTask -WhatIf writes no unit file' -Skip:$IsWindows {
        $units = Join-Path $TestDrive 'units'
        New-Item -ItemType Directory -Force -Path $units | Out-Null
        Register-KubiyaWorkerTask -QueueId $q -UnitDirectory $units -WhatIf
        @(Get-ChildItem -Path $units).Count | Should -Be 0
    }

    It 'Unregister-KubiyaWorkerTask removes the unit Register wrote; -WhatIf keeps it' -Skip:$IsWindows {
        $units = Join-Path $TestDrive 'units-unregister'
        $unit = Register-KubiyaWorkerTask -QueueId $q -UnitDirectory $units
        Unregister-KubiyaWorkerTask -QueueId $q -UnitDirectory $units -WhatIf
        Test-Path $unit.FullName | Should -BeTrue
        Unregister-KubiyaWorkerTask -QueueId $q -UnitDirectory $units
        Test-Path $unit.FullName | Should -BeFalse
        { Unregister-KubiyaWorkerTask -QueueId $q -UnitDirectory $units -ErrorAction Stop } | Should -Throw -ErrorId 'UnitNotFound,Kubiya.PowerShell.Commands.UnregisterKubiyaWorkerTaskCommand'
    }
}
