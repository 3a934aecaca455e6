# Build the Chatlog Tray bundle on Windows:
#   dist\chatlog-tray\                          the one-folder app (chatlog-tray.exe)
#   dist\chatlog-tray-VERSION-windows-ARCH.zip  the same folder, zipped (portable)
#   dist\chatlog-tray-VERSION-setup.exe         with -Installer: the Inno Setup installer
# Needs the build venv (`uv sync --group build`); for -Installer, Inno Setup 6 (ISCC.exe on
# PATH, or in its default folder). Set $env:PYINSTALLER to use another command than
# `uv run --no-sync pyinstaller`.
[CmdletBinding()]
param(
    [switch]$Installer
)
$ErrorActionPreference = "Stop"
Set-Location (Split-Path -Parent $PSScriptRoot)

$version = (Select-String -Path pyproject.toml -Pattern '^version = "(.*)"$' |
    Select-Object -First 1).Matches[0].Groups[1].Value
$arch = if ($env:PROCESSOR_ARCHITECTURE -eq "ARM64") { "arm64" } else { "x64" }
$started = Get-Date
Write-Host "[build] chatlog-tray $version for windows-$arch"

if (Test-Path dist\chatlog-tray) { Remove-Item -Recurse -Force dist\chatlog-tray }
$pyinstaller = if ($env:PYINSTALLER) { $env:PYINSTALLER -split " " } else { @("uv", "run", "--no-sync", "pyinstaller") }
$command, $rest = $pyinstaller
& $command @rest --noconfirm --clean --log-level WARN `
    --distpath dist --workpath build\pyinstaller installer\chatlog-tray.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed ($LASTEXITCODE)" }

$archive = "dist\chatlog-tray-$version-windows-$arch.zip"
if (Test-Path $archive) { Remove-Item -Force $archive }
Compress-Archive -Path dist\chatlog-tray -DestinationPath $archive -CompressionLevel Optimal

if ($Installer) {
    $iscc = (Get-Command ISCC.exe -ErrorAction SilentlyContinue).Source
    if (-not $iscc) { $iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
    if (-not (Test-Path $iscc)) { throw "Inno Setup 6 (ISCC.exe) not found; choco install innosetup" }
    & $iscc /Qp "/DAppVersion=$version" "/DSourceDir=$(Resolve-Path dist\chatlog-tray)" `
        "/DOutputDir=$(Resolve-Path dist)" installer\windows\chatlog-tray.iss
    if ($LASTEXITCODE -ne 0) { throw "ISCC failed ($LASTEXITCODE)" }
}

$size = (Get-ChildItem -Recurse dist\chatlog-tray | Measure-Object -Sum Length).Sum / 1MB
$seconds = [int]((Get-Date) - $started).TotalSeconds
Write-Host ("[build] {0:N0} MB dist\chatlog-tray, {1:N0} MB {2}, in {3} s" -f `
    $size, ((Get-Item $archive).Length / 1MB), $archive, $seconds)
