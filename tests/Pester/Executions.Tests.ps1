BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'KubiyaTestHelpers.psm1') -Force
    $script:envInfo = Start-KubiyaTestEnvironment
    $script:q = 'q-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    $script:worker = Start-KubiyaWorker -QueueId $q
    Push-Location $TestDrive
}

AfterAll {
    Pop-Location
    Stop-KubiyaTestEnvironment $script:envInfo
}

Describe 'Executions as pipeline objects' {
    It 'Get-KubiyaExecution -Id binds from the pipeline' {
        $e = Invoke-KubiyaExec -Agent shell 'echo x' -Queue $q -Cwd .
        ($e | Get-KubiyaExecution).Id | Should -Be $e.Id
    }

    It 'takes the short ids kubiya execution list shows on a terminal' {
        $e = Invoke-KubiyaExec -Agent shell 'echo short-id' -Queue $q -Cwd .
        $short = $e.Id.Substring(0, 13)
        (Get-KubiyaExecution -Id $short).Id | Should -Be $e.Id
        (Get-KubiyaExecutionLog -Id $short | Where-Object Kind -eq 'Output').Text | Should -Contain 'short-id'
        (Wait-KubiyaExecution -Id $short -Timeout 30).Id | Should -Be $e.Id
        Stop-KubiyaExecution -Id $short -Confirm:$false -ErrorVariable stopErr -ErrorAction SilentlyContinue
        "$($stopErr[0])" | Should -BeLike "*'$($e.Id)' already ended*"
        Send-KubiyaExecutionInput -Id $short -Answer yes -ErrorVariable sendErr -ErrorAction SilentlyContinue
        "$($sendErr[0])" | Should -BeLike "*'$($e.Id)' is Completed*"
    }

    It 'lists failed executions with Where-Object' {
        $bad = Invoke-KubiyaExec -Agent shell 'exit 4' -Queue $q -Cwd . -ErrorAction SilentlyContinue
        (Get-KubiyaExecution | Where-Object Status -eq 'Failed').Id | Should -Contain $bad.Id
    }

    It 'Stop-KubiyaExecution cancels through the pipeline' {
        $e = Invoke-KubiyaExec -Agent shell 'sleep 30' -Queue $q -Cwd . -NoWait
        Start-Sleep -Seconds 2
        Get-KubiyaExecution -Id $e.Id | Stop-KubiyaExecution -Confirm:$false
        (Wait-KubiyaExecution -Id $e.Id -Timeout 60 -ErrorAction SilentlyContinue).Status | Should -Be 'Cancelled'
    }

    It 'approvals wait for Send-KubiyaExecutionInput' {
        New-KubiyaTestAgent -Directory $PWD -Name deploy -Yaml "name: deploy`nsteps:`n  - approval: Ship it?`n  - shell: echo shipped`n" | Out-Null
        $e = Invoke-KubiyaExec -Agent deploy 'go' -Queue $q -Cwd . -NoWait
        $deadline = (Get-Date).AddSeconds(60)
        do { Start-Sleep -Milliseconds 200; $x = Get-KubiyaExecution -Id $e.Id } until ($x.Status -eq 'WaitingForInput' -or (Get-Date) -gt $deadline)
        $x.Question | Should -Be 'Ship it?'
        $x | Send-KubiyaExecutionInput -Answer yes
        (Wait-KubiyaExecution -Id $e.Id -Timeout 60).Output.Trim() | Should -Be 'shipped'
    }

    It 'Get-KubiyaExecutionLog reads the durable log' {
        $e = Invoke-KubiyaExec -Agent shell 'echo logged' -Queue $q -Cwd .
        (Get-KubiyaExecutionLog -Id $e.Id | Where-Object Kind -eq 'Output').Text | Should -Be 'logged'
    }

    It 'keeps the order of stdout and stderr lines, streamed, in Output and in the log' {
        # Pauses between writes: two pipes cannot order writes made microseconds apart.
        $script = 'for i in 1 2 3 4; do echo out$i; sleep 0.3; echo err$i >&2; sleep 0.3; done'
        $expected = 'out1', 'err1', 'out2', 'err2', 'out3', 'err3', 'out4', 'err4'
        $e = Invoke-KubiyaExec -Agent shell $script -Queue $q -Cwd . -InformationVariable info -InformationAction SilentlyContinue
        @($info | ForEach-Object { "$($_.MessageData)" } | Where-Object { $_ -match '^(out|err)\d$' }) | Should -Be $expected
        @($e.Output -split "`n" | Where-Object { $_ -match '^(out|err)\d$' }) | Should -Be $expected
        $log = Get-KubiyaExecutionLog -Id $e.Id | Where-Object Kind -in 'Output', 'Error'
        @($log.Text) | Should -Be $expected
        @($log | Where-Object Kind -eq 'Error').Text | Should -Be 'err1', 'err2', 'err3', 'err4'
    }

    It 'writes ExecutionNotFound for a bad id' {
        Get-KubiyaExecution -Id exec-missing -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ExecutionNotFound,*'
    }
}
