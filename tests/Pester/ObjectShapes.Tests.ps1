# What the module's objects look like once serialised: ConvertTo-Json and Export-Csv must write
# names (not enum numbers) and a plain, readable duration, while filtering, sorting and the
# table views keep working on the live objects.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'KubiyaTestHelpers.psm1') -Force
    $script:envInfo = Start-KubiyaTestEnvironment
    $script:q = 'shape-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    $script:worker = Start-KubiyaWorker -QueueId $q
    Push-Location $TestDrive
    New-KubiyaTestAgent -Directory $PWD -Name shapes -Yaml "name: shapes`ndescription: shape check`nsteps:`n  - shell: echo shaped`n" | Out-Null
    $script:slow = Invoke-KubiyaExec -Agent shell 'sleep 1.5; echo slow' -Queue $q -Cwd .
    $script:quick = Invoke-KubiyaExec -Agent shell 'echo quick' -Queue $q -Cwd .
    $script:failed = Invoke-KubiyaExec -Agent shell 'exit 3' -Queue $q -Cwd . -ErrorAction SilentlyContinue

    # Every key of a JSON document (at any depth) whose value is a number.
    function Get-NumericJsonKey([string] $Json) {
        $found = [System.Collections.Generic.List[string]]::new()
        $walk = {
            param($node)
            if ($node -is [System.Collections.IDictionary]) {
                foreach ($k in $node.Keys) {
                    $v = $node[$k]
                    if ($v -is [int] -or $v -is [long] -or $v -is [double] -or $v -is [decimal]) { $found.Add($k) }
                    else { & $walk $v }
                }
            }
            elseif ($node -is [System.Collections.IEnumerable] -and $node -isnot [string]) { foreach ($i in $node) { & $walk $i } }
        }
        & $walk ($Json | ConvertFrom-Json -AsHashtable)
        $found.ToArray()
    }
    # Numbers that are quantities, not codes: anything else that comes out numeric is an enum leaking.
    $script:quantities = @('Duration', 'Turns', 'ToolCalls', 'InputTokens', 'OutputTokens', 'CostUsd', 'JobId',
        'ActiveSteps', 'CompletedSteps', 'Attempt', 'Runs', 'SchemaVersion', 'Score', 'LiveWorkers', 'HistorySamples',
        'DurationP50Seconds', 'DurationP90Seconds', 'MaxTurns', 'MaxCostUsd', 'Temperature', 'TimeoutSeconds', 'Retries')
}

AfterAll {
    Pop-Location
    Stop-KubiyaTestEnvironment $script:envInfo
}

Describe 'Executions in ConvertTo-Json' {
    It 'writes Status and Priority as names and Duration as seconds plus a readable text' {
        $json = Get-KubiyaExecution -Id $slow.Id | ConvertTo-Json -Compress
        $json | Should -Match '"Status":"Completed"'
        $json | Should -Match '"Priority":"Medium"'
        $json | Should -Match '"Duration":\d+\.\d+,'
        $json | Should -Match '"DurationText":"00:00:0\d\.\d"'
        $json | Should -Not -Match 'Ticks|TotalMilliseconds'
    }

    It 'has no enum numbers at any depth' {
        $json = Get-KubiyaExecution -Id $failed.Id | ConvertTo-Json -Depth 5
        $json | Should -Match '"Status": "Failed"'
        Get-NumericJsonKey $json | Where-Object { $_ -notin $quantities } | Should -BeNullOrEmpty
    }

    It 'reads back with the same values' {
        $back = Get-KubiyaExecution -Id $quick.Id | ConvertTo-Json | ConvertFrom-Json
        $back.Status | Should -Be 'Completed'
        $back.Duration | Should -BeOfType [double]
        [timespan]::Parse($back.DurationText).TotalSeconds | Should -BeLessOrEqual $back.Duration
    }
}

Describe 'Executions in Export-Csv' {
    It 'writes a header with Duration and DurationText and rows with names' {
        $csv = Join-Path $TestDrive 'shapes.csv'
        Get-KubiyaExecution -Id $slow.Id, $failed.Id | Export-Csv -Path $csv -NoTypeInformation
        $lines = Get-Content $csv
        $header = $lines[0] -split ',' | ForEach-Object { $_.Trim('"') }
        $header | Should -Contain 'Status'
        $header | Should -Contain 'Priority'
        $header | Should -Contain 'Duration'
        $header | Should -Contain 'DurationText'
        $rows = Import-Csv $csv
        $rows[0].Status | Should -Be 'Completed'
        $rows[1].Status | Should -Be 'Failed'
        $rows[0].Priority | Should -Be 'Medium'
        [double]::Parse($rows[0].Duration, [cultureinfo]::InvariantCulture) | Should -BeGreaterThan 1.4
        $rows[0].DurationText | Should -Match '^00:00:0\d\.\d$'
    }
}

Describe 'Live executions still filter, sort and format' {
    It 'filters by Status name, in any case' {
        (Get-KubiyaExecution -Queue $q | Where-Object Status -eq 'Failed').Id | Should -Be $failed.Id
        (Get-KubiyaExecution -Queue $q -Status failed).Id | Should -Be $failed.Id
    }

    It 'rejects an unknown -Status with a validation error' {
        { Get-KubiyaExecution -Status Sleeping -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,Kubiya.PowerShell.Commands.GetKubiyaExecutionCommand'
    }

    It 'sorts and measures by Duration' {
        $sorted = Get-KubiyaExecution -Id $quick.Id, $slow.Id | Sort-Object Duration -Descending
        $sorted[0].Id | Should -Be $slow.Id
        (Get-KubiyaExecution -Id $quick.Id, $slow.Id | Measure-Object Duration -Sum).Sum | Should -BeGreaterThan 1.4
        (Get-KubiyaExecution -Id $quick.Id, $slow.Id | Where-Object Duration -gt 1).Id | Should -Be $slow.Id
    }

    It 'shows the duration in the default table view' {
        $text = Get-KubiyaExecution -Id $slow.Id | Format-Table | Out-String -Width 80
        $text | Should -Match ' \d\.\ds '
        $text | Should -Match 'Completed'
    }
}

Describe 'Other objects in ConvertTo-Json and Export-Csv' {
    It 'log entries write Kind as a name' {
        $json = Get-KubiyaExecutionLog -Id $quick.Id | ConvertTo-Json -Compress
        $json | Should -Match '"Kind":"Output"'
        $json | Should -Match '"Kind":"Completed"'
        Get-NumericJsonKey $json | Where-Object { $_ -notin $quantities } | Should -BeNullOrEmpty
        (Get-KubiyaExecutionLog -Id $quick.Id | ConvertTo-Csv | ConvertFrom-Csv | Where-Object Kind -eq 'Output').Text | Should -Be 'quick'
    }

    It 'schedules write Overlap as a name' {
        $s = New-KubiyaSchedule -Name ('shape-' + [guid]::NewGuid().ToString('N').Substring(0, 6)) -Cron '0 3 * * *' -Agent shapes -Prompt x -Queue $q -Overlap BufferOne
        try {
            $json = $s | ConvertTo-Json -Compress
            $json | Should -Match '"Overlap":"BufferOne"'
            Get-NumericJsonKey $json | Where-Object { $_ -notin $quantities } | Should -BeNullOrEmpty
            ($s | ConvertTo-Csv | ConvertFrom-Csv).Overlap | Should -Be 'BufferOne'
            (Get-KubiyaSchedule -Name $s.Name | Where-Object Overlap -eq 'bufferone').Name | Should -Be $s.Name
        }
        finally { Remove-KubiyaSchedule -Name $s.Name -Confirm:$false }
    }

    It 'workers, agents and plans have no enum numbers' {
        foreach ($json in @(
                (Get-KubiyaWorker | ConvertTo-Json -Depth 5),
                (Get-KubiyaAgent -Name shapes | ConvertTo-Json -Depth 5),
                (New-KubiyaPlan 'shape check' | ConvertTo-Json -Depth 5))) {
            Get-NumericJsonKey $json | Where-Object { $_ -notin $quantities } | Should -BeNullOrEmpty
        }
        Get-KubiyaWorker | ConvertTo-Json | Should -Match '"State": "Running"'
    }
}
