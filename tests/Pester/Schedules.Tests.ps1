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

Describe 'Schedules in a real pwsh' {
    It 'shows name, spec, next run, last result and paused in 80 columns' {
        $name = 'nightly-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        New-KubiyaSchedule -Name $name -Cron '0 2 * * *' -TimeZone Europe/Berlin -Agent shell -Prompt 'echo nightly' -Queue $q | Out-Null
        $lines = (Get-KubiyaSchedule -Name $name | Format-Table | Out-String -Width 80) -split "`n" | Where-Object { $_.Trim() }
        $lines[0] | Should -Match '^Name\s+Spec\s+NextRun\s+LastResult\s+Paused'
        $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
        $lines[2] | Should -Match ([regex]::Escape($name.Substring(0, 8)))
        Remove-KubiyaSchedule -Name $name
    }

    It 'warns when it names an agent or team nobody here knows, and creates it anyway' {
        $name = 'typo-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $warn = $null
        $s = New-KubiyaSchedule -Name $name -Cron '0 3 * * *' -Agent shel -Prompt 'echo x' -Queue $q -WarningVariable warn -WarningAction SilentlyContinue
        try {
            $s.Name | Should -Be $name
            @($warn).Count | Should -Be 1
            "$($warn[0])" | Should -BeLike "No agent named 'shel' is known here (known: powershell, shell*). The schedule names it anyway*queue '$q'*"
            $warn = $null
            $null = New-KubiyaSchedule -Name "$name-t" -Cron '0 3 * * *' -Team shell -Prompt 'echo x' -Queue $q -WarningVariable warn -WarningAction SilentlyContinue
            "$($warn[0])" | Should -BeLike "No team named 'shell' is known here (none defined)*"
            $warn = $null
            $null = New-KubiyaSchedule -Name "$name-ok" -Cron '0 3 * * *' -Agent shell -Prompt 'echo x' -Queue $q -WarningVariable warn
            $warn | Should -BeNullOrEmpty
        }
        finally { Remove-KubiyaSchedule -Name $name, "$name-t", "$name-ok" -ErrorAction SilentlyContinue }
    }

    It 'warns when Set-KubiyaSchedule changes the agent or team to one nobody here knows' {
        $name = 'retarget-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $null = New-KubiyaSchedule -Name $name -Cron '0 3 * * *' -Agent shell -Prompt 'echo x' -Queue $q
        try {
            $warn = $null
            $s = Set-KubiyaSchedule -Name $name -Agent shel -PassThru -WarningVariable warn -WarningAction SilentlyContinue
            $s.Agent | Should -Be 'shel'
            @($warn).Count | Should -Be 1
            "$($warn[0])" | Should -BeLike "No agent named 'shel' is known here (known: powershell, shell*). The schedule names it anyway*queue '$q'*"
            $warn = $null
            Get-KubiyaSchedule -Name $name | Set-KubiyaSchedule -Team nocrew -WarningVariable warn -WarningAction SilentlyContinue
            "$($warn[0])" | Should -BeLike "No team named 'nocrew' is known here (none defined)*"
            $warn = $null
            Set-KubiyaSchedule -Name $name -Agent shell -WarningVariable warn
            Set-KubiyaSchedule -Name $name -Note 'moved' -WarningVariable +warn
            $warn | Should -BeNullOrEmpty
        }
        finally { Remove-KubiyaSchedule -Name $name -ErrorAction SilentlyContinue }
    }

    It 'runs on an interval and its executions list under the schedule' {
        $name = 'every-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        New-KubiyaSchedule -Name $name -Interval ([TimeSpan]::FromSeconds(2)) -Agent shell -Prompt 'echo tick' -Queue $q | Out-Null
        $deadline = (Get-Date).AddSeconds(60)
        do { Start-Sleep -Milliseconds 300; $runs = @(Get-KubiyaExecution -Schedule $name -Status Completed) } until ($runs.Count -ge 2 -or (Get-Date) -gt $deadline)
        Suspend-KubiyaSchedule -Name $name
        $runs.Count | Should -BeGreaterOrEqual 2
        $runs | ForEach-Object { $_.Output.Trim() | Should -Be 'tick'; $_.Schedule | Should -Be $name }
        # A piped schedule lists its runs; it is never read as an execution id.
        $piped = @(Get-KubiyaSchedule -Name $name | Get-KubiyaExecution -Status Completed -ErrorVariable pipedErr)
        $pipedErr | Should -BeNullOrEmpty
        $piped.Id | Should -Contain $runs[-1].Id
        $piped | ForEach-Object { $_.Schedule | Should -Be $name }
        (Get-KubiyaSchedule -Name $name).Paused | Should -BeTrue
        Remove-KubiyaSchedule -Name $name -Confirm:$false
    }
}
