BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'KubiyaTestHelpers.psm1') -Force
    $script:envInfo = Start-KubiyaTestEnvironment
}

AfterAll { Stop-KubiyaTestEnvironment $script:envInfo }

Describe 'Worker jobs' {
    BeforeEach { $script:q = 'q-' + [guid]::NewGuid().ToString('N').Substring(0, 8) }
    AfterEach { Get-Job | Where-Object PSJobTypeName -eq 'KubiyaWorker' | Stop-Job -PassThru | Remove-Job }

    It 'Start-KubiyaWorker returns a job that Get-Job shows' {
        $w = Start-KubiyaWorker -QueueId $q
        $w.State | Should -Be 'Running'
        (Get-Job -Id $w.Id).QueueId | Should -Be $q
    }

    It 'Receive-Job gives the worker log' {
        $w = Start-KubiyaWorker -QueueId $q
        $null = Invoke-KubiyaExec -Agent shell 'echo x' -Queue $q -Cwd .
        (Receive-Job $w) -join "`n" | Should -Match "polling queue '$q'"
    }

    It 'refuses a queue id that cannot be a folder name' {
        { Start-KubiyaWorker -QueueId 'a/b' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidQueueId,Kubiya.PowerShell.Commands.StartKubiyaWorkerCommand'
        @(Get-Job | Where-Object PSJobTypeName -eq 'KubiyaWorker').Count | Should -Be 0
    }

    It 'lists a stopped and removed worker as Stopped, not Polling' {
        $w = Start-KubiyaWorker -QueueId $q
        $id = $w.Identity
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while (-not (Get-KubiyaWorker -QueueId $q | Where-Object Source -eq 'Server') -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
        $w | Stop-Job -PassThru | Remove-Job
        (Get-KubiyaWorker -QueueId $q | Where-Object Identity -eq $id).State | Should -Be 'Stopped'
    }

    It 'Stop-Job stops it gracefully' {
        $w = Start-KubiyaWorker -QueueId $q
        Stop-Job $w
        $w.State | Should -Be 'Stopped'
    }

    It 'Get-KubiyaWorker lists the session worker' {
        $w = Start-KubiyaWorker -QueueId $q
        (Get-KubiyaWorker -QueueId $q | Where-Object Source -eq 'Job').JobId | Should -Be $w.Id
    }

    It 'an execution waits Pending until a worker starts' {
        $e = Invoke-KubiyaExec -Agent shell 'echo late' -Queue $q -Cwd . -NoWait -WarningAction SilentlyContinue
        (Get-KubiyaExecution -Id $e.Id).Status | Should -Be 'Pending'
        $null = Start-KubiyaWorker -QueueId $q
        (Wait-KubiyaExecution -Id $e.Id -Timeout 60).Status | Should -Be 'Completed'
    }
}
