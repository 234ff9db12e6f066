# Get-Help for every exported cmdlet, from the MAML the build generates out of docs/help.
BeforeDiscovery {
    $manifest = Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../Kubiya.psd1')
    $script:cmdlets = @($manifest.CmdletsToExport | ForEach-Object { @{ Name = $_ } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'KubiyaTestHelpers.psm1') -Force
    $script:envInfo = Start-KubiyaTestEnvironment
    $script:common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
}

AfterAll { Stop-KubiyaTestEnvironment $script:envInfo }

Describe 'Get-Help <Name>' -ForEach $cmdlets {
    BeforeAll { $script:help = Get-Help $Name -Full }

    It 'is exported by the module' {
        (Get-Command $Name).Source | Should -Be 'Kubiya'
    }

    It 'has a written synopsis and description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        # Without MAML, Get-Help falls back to the syntax line as the synopsis.
        $help.Synopsis | Should -Not -Match ('^\s*' + [regex]::Escape($Name) + '\s+\[')
        ($help.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example with code' {
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
        $help.Examples.Example[0].Code | Should -Not -BeNullOrEmpty
    }

    It 'describes every parameter' {
        $parameters = (Get-Command $Name).Parameters.Keys | Where-Object { $common -notcontains $_ }
        foreach ($p in $parameters) {
            $entry = $help.Parameters.Parameter | Where-Object Name -eq $p
            $entry | Should -Not -BeNullOrEmpty -Because "-$p of $Name needs a help entry"
            ($entry.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$p of $Name needs a description"
        }
    }
}

Describe 'Concept help' {
    It 'about_Kubiya and about_Kubiya_Agents are found by Get-Help' {
        (Get-Help about_Kubiya | Out-String) | Should -Match 'Invoke-KubiyaExec'
        (Get-Help about_Kubiya_Agents | Out-String) | Should -Match 'kind: team'
    }
}
