BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'KubiyaTestHelpers.psm1') -Force
    $script:envInfo = Start-KubiyaTestEnvironment
}

AfterAll { Stop-KubiyaTestEnvironment $script:envInfo }

Describe 'Get-KubiyaMetric' {
    BeforeAll {
        $script:since = (Get-Date).AddSeconds(-1)
        $null = Invoke-KubiyaExec -Agent shell 'echo measured' -Local -Yes
        try { $null = Invoke-KubiyaExec -Agent shell 'exit 4' -Local -Yes -ErrorAction Stop } catch { }
    }

    It 'returns one typed row for the window' {
        $m = Get-KubiyaMetric -Since $since
        $m.GetType().FullName | Should -Be 'Kubiya.Core.Analytics.ExecutionMetric'
        $m.Completed | Should -BeGreaterOrEqual 1
        $m.Failed | Should -BeGreaterOrEqual 1
        $m.SuccessRate | Should -BeLessThan 100
    }

    It 'renders its table within 80 columns' {
        $text = Get-KubiyaMetric -Since $since -By Agent | Format-Table | Out-String -Width 80
        $text | Should -Match 'shell'
        $text -split "`n" | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
    }

    It 'serialises with names, not numbers' {
        $json = Get-KubiyaMetric -Since $since -By Status | ConvertTo-Json -Depth 3
        $json | Should -Match '"GroupBy":\s*"Status"'
    }

    It 'refuses an unknown grouping' {
        { Get-KubiyaMetric -By Colour -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,Kubiya.PowerShell.Commands.GetKubiyaMetricCommand'
    }
}
