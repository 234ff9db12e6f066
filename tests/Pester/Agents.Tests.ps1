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

    It 'names the file, line and field of invalid YAML' {
        $path = New-KubiyaTestAgent -Directory $PWD -Name broken -Yaml "name: broken`nsteps:`n  - shell: echo x`n    timeout: soon`n"
        Get-KubiyaAgent -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidAgentDefinition,*'
        # Escaped: [0] would otherwise be a wildcard character class.
        $err[0].Exception.Message | Should -BeLike ('{0}:4:*{1}*' -f [WildcardPattern]::Escape($path), [WildcardPattern]::Escape('steps[0].timeout'))
    }
}
