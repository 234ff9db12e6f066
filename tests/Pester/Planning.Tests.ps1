BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'KubiyaTestHelpers.psm1') -Force
    $script:envInfo = Start-KubiyaTestEnvironment
    Push-Location $TestDrive
    New-KubiyaTestAgent -Directory $PWD -Name pg-backup -Yaml "name: pg-backup`ndescription: Takes a dump of the PostgreSQL database into the backup folder.`ntags: [database, backup]`nsteps:`n  - name: dump`n    shell: echo dumped > marker.txt`n" | Out-Null
}

AfterAll {
    Pop-Location
    Stop-KubiyaTestEnvironment $script:envInfo
}

Describe 'Plans in a real pwsh' {
    It 'the table and list views of a plan fit in 80 columns' {
        $p = New-KubiyaPlan 'back up the postgres database' -Local
        $table = $p | Format-Table | Out-String -Width 80
        $list = $p | Format-List | Out-String -Width 80
        $table | Should -Match 'PlanId\s+Agent\s+Queue\s+Approved\s+Title'
        $table | Should -Match "$($p.PlanId)\s+pg-backup\s+local\s+no"
        $list | Should -Match 'Steps\s+: 1\. dump \[shell\] echo dumped > marker.txt'
        $list | Should -Match 'Risks\s+: writes-files'
        $list | Should -Match 'Estimate\s+: no history yet'
        foreach ($line in (($table + $list) -split "`n")) { $line.TrimEnd().Length | Should -BeLessOrEqual 80 }
    }

    It '-WhatIf shows the plan and runs nothing' {
        $p = Invoke-KubiyaExec 'back up the postgres database' -Local -WhatIf
        $p.GetType().FullName | Should -Be 'Kubiya.Core.Planning.KubiyaPlan'
        Test-Path marker.txt | Should -BeFalse
    }

    It 'a piped plan runs and the saved plan records the execution' {
        $e = New-KubiyaPlan 'back up the postgres database' -Local | Invoke-KubiyaExec -Yes
        $e.Status | Should -Be 'Completed'
        Test-Path marker.txt | Should -BeTrue
        (Get-KubiyaPlan -PlanId $e.PlanId).ExecutionId | Should -Be $e.Id
    }
}
