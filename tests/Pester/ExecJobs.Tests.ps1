# Following an execution as a pwsh user does: Write-Progress per step, -AsJob with the job
# cmdlets, -WhatIf on a named agent, Wait-KubiyaExecution -Any, Get-KubiyaExecution -Team/-Skip.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'KubiyaTestHelpers.psm1') -Force
    $script:envInfo = Start-KubiyaTestEnvironment

    # A second pwsh (the same one), for what only the host shows (the What if: text).
    function Invoke-ChildPwsh([string] $Command) {
        $exe = [Environment]::ProcessPath
        [string[]] $first = @(if ((Split-Path $exe -Leaf) -like 'dotnet*') { [Reflection.Assembly]::GetEntryAssembly().Location })
        & $exe @first -NoLogo -NoProfile -NonInteractive -Command $Command 2>&1
    }
}

AfterAll { Stop-KubiyaTestEnvironment $script:envInfo }

Describe 'Invoke-KubiyaExec progress, -WhatIf and -AsJob' {
    BeforeEach {
        Push-Location (New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid())))
        $q = 'pester-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    }
    AfterEach {
        Get-Job | Where-Object PSJobTypeName -in 'KubiyaExec', 'KubiyaWorker' | Stop-Job
        Get-Job | Remove-Job -Force
        Pop-Location
    }

    It 'writes a progress record per step and closes it' {
        New-KubiyaTestAgent -Directory $PWD -Name two -Yaml "name: two`nsteps:`n  - name: compile`n    shell: echo c`n  - name: check`n    shell: echo t`n" | Out-Null
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$($envInfo.Module)'; Set-Location -LiteralPath '$PWD'; Invoke-KubiyaExec -Agent two 'go' -Local")
            $e = $ps.Invoke()
            $e[0].Status | Should -Be 'Completed'
            $statuses = @($ps.Streams.Progress | ForEach-Object StatusDescription)
            $statuses | Should -Contain 'step 1 of 2: compile'
            $statuses | Should -Contain 'step 2 of 2: check'
            $ps.Streams.Progress[-1].RecordType | Should -Be 'Completed'
            $ps.Streams.Progress[-1].PercentComplete | Should -Be 100
        }
        finally { $ps.Dispose() }
    }

    It '-WhatIf on a named agent prints its steps and the queue, and submits nothing' {
        New-KubiyaTestAgent -Directory $PWD -Name ci -Yaml "name: ci`nsteps:`n  - name: restore`n    shell: echo restored > ran.txt`n  - name: ship?`n    approval: Ship it?`n" | Out-Null
        $text = (Invoke-ChildPwsh "Import-Module '$($envInfo.Module)'; Set-Location -LiteralPath '$PWD'; Invoke-KubiyaExec -Agent ci 'release 2.4' -Queue $q -WhatIf") -join "`n"
        $text | Should -Match ([regex]::Escape("What if: Run agent 'ci' (runbook) on queue '$q' (no worker polls it now: it would stay Pending)."))
        $text | Should -Match ([regex]::Escape('Prompt: release 2.4'))
        $text | Should -Match ([regex]::Escape('1. restore (shell): echo restored > ran.txt'))
        $text | Should -Match ([regex]::Escape('2. ship? (approval): Ship it? - asks before going on'))
        Test-Path ran.txt | Should -BeFalse
        @(Get-KubiyaExecution -Queue $q).Count | Should -Be 0
    }

    It '-AsJob gives a job that Wait-Job, Receive-Job and Remove-Job handle' {
        $j = Invoke-KubiyaExec -Agent shell 'echo via-job' -Local -Yes -AsJob
        $j.PSJobTypeName | Should -Be 'KubiyaExec'
        (Get-Job -Id $j.Id).Name | Should -Be 'KubiyaExec:shell'
        $null = Wait-Job $j -Timeout 120
        $j.State | Should -Be 'Completed'
        $e = Receive-Job $j -InformationVariable info
        $e.Status | Should -Be 'Completed'
        $e.Output.Trim() | Should -Be 'via-job'
        ($info | Where-Object { $_.Tags -contains 'Output' }).MessageData.Message | Should -Contain 'via-job'
        Remove-Job $j
        Get-Job -Id $j.Id -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'Receive-Job -Wait -ErrorAction Stop throws the execution''s error when it failed' {
        $j = Invoke-KubiyaExec -Agent shell 'exit 4' -Local -AsJob
        { Receive-Job $j -Wait -ErrorAction Stop } | Should -Throw -ErrorId 'ExecutionFailed'
        $j.State | Should -Be 'Failed'
    }

    It 'Stop-Job cancels the execution itself' {
        $w = Start-KubiyaWorker -QueueId $q
        $j = Invoke-KubiyaExec -Agent shell 'echo started; sleep 120' -Queue $q -Cwd . -AsJob
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (-not $j.ExecutionId -or (Get-KubiyaExecution -Id $j.ExecutionId).Status -ne 'Running') {
            if ([DateTime]::UtcNow -gt $deadline) { throw 'the execution never ran' }
            Start-Sleep -Milliseconds 200
        }
        Stop-Job $j
        $j.State | Should -Be 'Stopped'
        (Get-KubiyaExecution -Id $j.ExecutionId).Status | Should -Be 'Cancelled'
        Stop-Job $w
    }
}

Describe 'Waiting for and listing executions' {
    BeforeEach {
        Push-Location (New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid())))
        $q = 'pester-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    }
    AfterEach {
        Get-Job | Where-Object PSJobTypeName -eq 'KubiyaWorker' | Stop-Job
        Get-Job | Remove-Job -Force
        Pop-Location
    }

    It 'Wait-KubiyaExecution -Any returns the first that ends' {
        $w = Start-KubiyaWorker -QueueId $q
        $slow = Invoke-KubiyaExec -Agent shell 'sleep 60' -Queue $q -Cwd . -NoWait
        $fast = Invoke-KubiyaExec -Agent shell 'sleep 1; echo first' -Queue $q -Cwd . -NoWait
        $first = $slow, $fast | Wait-KubiyaExecution -Any -Timeout 50
        $first.Id | Should -Be $fast.Id
        $first.Output.Trim() | Should -Be 'first'
        (Get-KubiyaExecution -Id $slow.Id).Status | Should -Be 'Running'
        $slow | Stop-KubiyaExecution -Confirm:$false | Out-Null
    }

    It 'Get-KubiyaExecution -Team lists the team''s runs only, -Skip pages' {
        $team = 'crew' + [guid]::NewGuid().ToString('N').Substring(0, 6)
        New-KubiyaTestAgent -Directory $PWD -Name solo -Yaml "name: solo`nsteps:`n  - shell: echo solo`n" | Out-Null
        New-KubiyaTestAgent -Directory $PWD -Name team -Yaml "name: $team`nkind: team`nagents: [solo]`n" | Out-Null
        $t = Invoke-KubiyaExec -Team $team 'go' -Local
        $null = Invoke-KubiyaExec -Agent solo 'go' -Local
        @(Get-KubiyaExecution -Team $team).Id | Should -Be @($t.Id)
        $ids = 1..3 | ForEach-Object { (Invoke-KubiyaExec -Agent shell "echo $_" -Queue $q -NoWait -WarningAction SilentlyContinue).Id }
        @(Get-KubiyaExecution -Queue $q -Skip 1 -First 1).Id | Should -Be @($ids[1])
        @(Get-KubiyaExecution -Queue $q -Skip 1).Id | Should -Be @($ids[1], $ids[0])
    }
}
