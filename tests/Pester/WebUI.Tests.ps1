# Start-KubiyaWebUI in a real pwsh: the UI as a job, guarded by its token, gone with Stop-Job and with pwsh.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'KubiyaTestHelpers.psm1') -Force
    $script:envInfo = Start-KubiyaTestEnvironment

    function Test-ProcessAlive([int] $Id) {
        $p = Get-Process -Id $Id -ErrorAction SilentlyContinue
        if (-not $p) { return $false }
        # A zombie (exited, not yet reaped) is no process left behind.
        if (Test-Path "/proc/$Id/stat") { return (Get-Content -Raw "/proc/$Id/stat") -notmatch '\) [ZX] ' }
        -not $p.HasExited
    }

    function Wait-ProcessGone([int] $Id, [int] $Seconds = 15) {
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while ((Test-ProcessAlive $Id) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        -not (Test-ProcessAlive $Id)
    }
}

AfterAll { Stop-KubiyaTestEnvironment $script:envInfo }

Describe 'Start-KubiyaWebUI' {
    AfterEach { Get-Job | Where-Object PSJobTypeName -eq 'KubiyaWebUI' | Remove-Job -Force }

    It 'serves the UI with its token, refuses requests without it, and Stop-Job leaves no process' {
        $q = 'ui-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $ui = Start-KubiyaWebUI -Port 0 -QueueId $q
        $ui | Should -BeOfType 'Kubiya.PowerShell.Jobs.KubiyaWebUIJob'
        $ui.State | Should -Be 'Running'
        (Get-Job -Id $ui.Id).Url | Should -Be $ui.Url
        $ui.Url | Should -Match ('^http://127\.0\.0\.1:' + $ui.Port + '/\?token=[0-9a-f]{64}$')
        Test-ProcessAlive $ui.Pid | Should -BeTrue

        # The page, through the token in the address (kept in a cookie by the redirect).
        $page = Invoke-WebRequest -Uri $ui.Url -SessionVariable browser
        $page.StatusCode | Should -Be 200
        $page.Content | Should -Match '<html'
        $session = Invoke-RestMethod -Uri "$($ui.Location)api/session" -WebSession $browser
        $session.queue | Should -Be $q

        # Without it: refused.
        $refused = Invoke-WebRequest -Uri "$($ui.Location)api/session" -SkipHttpErrorCheck
        $refused.StatusCode | Should -Be 401
        ($refused.Content | ConvertFrom-Json).errorId | Should -Be 'Unauthorized'
        (Invoke-WebRequest -Uri "$($ui.Location)?token=wrong" -SkipHttpErrorCheck -MaximumRedirection 0).StatusCode | Should -Be 401

        # Scripts send it as a bearer token.
        $token = ([uri]$ui.Url).Query -replace '^\?token=', ''
        $executions = Invoke-WebRequest -Uri "$($ui.Location)api/v1/executions?status=running" -Headers @{ Authorization = "Bearer $token" }
        $executions.StatusCode | Should -Be 200

        $uiPid = $ui.Pid
        Stop-Job $ui
        $ui.State | Should -Be 'Stopped'
        Wait-ProcessGone $uiPid | Should -BeTrue
        { Invoke-WebRequest -Uri "$($ui.Location)api/session" -TimeoutSec 5 } | Should -Throw
        Remove-Job $ui
        @(Get-Job | Where-Object PSJobTypeName -eq 'KubiyaWebUI').Count | Should -Be 0
    }

    It 'is formatted as a list that shows the address to open' {
        $ui = Start-KubiyaWebUI -Port 0
        $text = $ui | Out-String -Width 80
        $text | Should -Match 'Url\s+: http://127\.0\.0\.1:\d+/\?token='
        $text | Should -Match 'State\s+: Running'
        Remove-Job $ui -Force
    }

    It 'refuses a queue id that cannot be a folder name' {
        { Start-KubiyaWebUI -QueueId 'a/b' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidQueueId,Kubiya.PowerShell.Commands.StartKubiyaWebUICommand'
        @(Get-Job | Where-Object PSJobTypeName -eq 'KubiyaWebUI').Count | Should -Be 0
    }

    It 'ends with the pwsh that started it' {
        $pwsh = if (Test-Path (Join-Path $PSHOME 'pwsh.dll')) { @('dotnet', (Join-Path $PSHOME 'pwsh.dll')) } else { @((Join-Path $PSHOME 'pwsh')) }
        $script = "Import-Module '$($envInfo.Module)'; `$ui = Start-KubiyaWebUI -Port 0 -ErrorAction Stop; `$ui.Pid"
        $out = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $script
        $LASTEXITCODE | Should -Be 0
        $uiPid = [int]($out | Select-Object -Last 1)
        $uiPid | Should -BeGreaterThan 0
        # pwsh exited without stopping the job: the UI notices its parent is gone and ends.
        Wait-ProcessGone $uiPid | Should -BeTrue
    }
}
