BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'KubiyaTestHelpers.psm1') -Force
    $script:envInfo = Start-KubiyaTestEnvironment
}

AfterAll { Stop-KubiyaTestEnvironment $script:envInfo }

Describe 'Get-KubiyaAgent' {
    BeforeEach { Push-Location (New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid()))) }
    AfterEach { Pop-Location }

    It 'lists the built-in agents' {
        (Get-KubiyaAgent).Name | Should -Contain 'shell'
        (Get-KubiyaAgent).Name | Should -Contain 'powershell'
    }

    It 'shows what each agent runs in 80 columns: steps, members, or an llm agent''s model and tools' {
        New-KubiyaTestAgent -Directory $PWD -Name two-steps -Yaml "name: two-steps`nsteps:`n  - shell: echo a`n  - shell: echo b`n" | Out-Null
        New-KubiyaTestAgent -Directory $PWD -Name helper -Yaml "name: helper`nkind: llm`nmodel: fast`ntools: [read_file, list_files, shell]`n" | Out-Null
        New-KubiyaTestAgent -Directory $PWD -Name crew -Yaml "name: crew`nkind: team`nagents: [two-steps, helper]`n" | Out-Null
        $lines = (Get-KubiyaAgent | Format-Table | Out-String -Width 80) -split "`n" | Where-Object { $_.Trim() }
        $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
        $lines[0] | Should -Match '^Name\s+Kind\s+Steps\s+Tags\s+Description'
        $lines | Where-Object { $_ -match '^helper\s' } | Should -Match '^helper\s+llm\s+fast, 3 tool\(s\)'
        $lines | Where-Object { $_ -match '^crew\s' } | Should -Match '^crew\s+team\s+two-steps,helper'
        $lines | Where-Object { $_ -match '^two-steps\s' } | Should -Match '^two-steps\s+runbook\s+2\s'
    }

    It 'names the file, line and field of invalid YAML' {
        $path = New-KubiyaTestAgent -Directory $PWD -Name broken -Yaml "name: broken`nsteps:`n  - shell: echo x`n    timeout: soon`n"
        Get-KubiyaAgent -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidAgentDefinition,*'
        # Escaped: [0] would otherwise be a wildcard character class.
        $err[0].Exception.Message | Should -BeLike ('{0}:4:*{1}*' -f [WildcardPattern]::Escape($path), [WildcardPattern]::Escape('steps[0].timeout'))
    }
}
