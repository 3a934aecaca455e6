; Inno Setup 6 script for Chatlog Tray: a per-user install (no administrator rights) of the
; PyInstaller folder dist\chatlog-tray. Built by installer\build.ps1 -Installer, or:
;
;   ISCC.exe /DAppVersion=0.1.0 /DSourceDir=C:\path\dist\chatlog-tray /DOutputDir=C:\path\dist ^
;            installer\windows\chatlog-tray.iss
;
; What it does:
; - installs into %LOCALAPPDATA%\Programs\Chatlog Tray and adds a Start menu entry;
; - optionally launches the app at sign-in: the same HKCU Run value desktop\autostart.py
;   writes ("Chatlog Tray" = "<path>\chatlog-tray.exe"), so the app's own switch and the
;   installer's checkbox are one setting;
; - the uninstaller stops the app, removes the program and the Run value, and keeps the
;   user's settings (registry HKCU\Software\chatlog-tray, the token in Credential Manager,
;   the logs in %LOCALAPPDATA%\chatlog-tray) unless the user says to delete them, or
;   /DELETESETTINGS is passed to a silent uninstall. The WeChat data is never touched.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\chatlog-tray"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#define AppName "Chatlog Tray"
#define AppExe "chatlog-tray.exe"
; desktop\autostart.py DISPLAY_NAME and RUN_KEY.
#define RunValue "Chatlog Tray"
#define RunKey "Software\Microsoft\Windows\CurrentVersion\Run"
; QSettings(organization "chatlog-tray") in desktop\app.py; keyring service in settings.py.
#define SettingsKey "Software\chatlog-tray"
#define KeyringService "chatlog-tray"
#define KeyringUser "mcp-token"

[Setup]
AppId={{6E0C7B3A-2D55-4C1E-9B8F-3A1D2C4B5E6F}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Chatlog Tray
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per user: {autopf} is %LOCALAPPDATA%\Programs, the Start menu entry is the user's own.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename=chatlog-tray-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\app.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; The Restart Manager asks a running copy to close before files are replaced.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "autostart"; Description: "Start {#AppName} when I sign in"; Flags: unchecked

[InstallDelete]
; A clean upgrade: no library of an older version may linger next to the new ones.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"

[Registry]
; Written only when the task is ticked; a later change in the app's settings wins.
Root: HKCU; Subkey: "{#RunKey}"; ValueType: string; ValueName: "{#RunValue}"; \
    ValueData: """{app}\{#AppExe}"""; Tasks: autostart

[Run]
Filename: "{app}\{#AppExe}"; Description: "Launch {#AppName}"; \
    Flags: nowait postinstall skipifsilent

[UninstallRun]
; Stop this user's running copy so its files can be removed.
Filename: "{sys}\taskkill.exe"; Parameters: "/F /IM {#AppExe}"; Flags: runhidden; \
    RunOnceId: "StopApp"

[UninstallDelete]
Type: filesandordirs; Name: "{app}\_internal"

[Code]
function ShouldDeleteSettings(): Boolean;
begin
  if UninstallSilent() then
    Result := Pos('/DELETESETTINGS', Uppercase(GetCmdTail())) > 0
  else
    Result := MsgBox('Also delete your {#AppName} settings, access token and logs?' + #13#10 + #13#10 +
      'Choose No to keep them for a later reinstall. Your WeChat data is never deleted.',
      mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
end;

procedure DeleteSettings();
var
  ResultCode: Integer;
begin
  RegDeleteKeyIncludingSubkeys(HKCU, '{#SettingsKey}');
  DelTree(ExpandConstant('{localappdata}\chatlog-tray'), True, True, True);
  // keyring's Windows backend stores the token under the service name, or under
  // "user@service" when the service already held another user's password.
  Exec(ExpandConstant('{sys}\cmdkey.exe'), '/delete:{#KeyringService}', '', SW_HIDE,
    ewWaitUntilTerminated, ResultCode);
  Exec(ExpandConstant('{sys}\cmdkey.exe'), '/delete:{#KeyringUser}@{#KeyringService}', '',
    SW_HIDE, ewWaitUntilTerminated, ResultCode);
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usPostUninstall then
  begin
    // Launch at login is part of the program, not a setting: it always goes, whether the
    // installer or the app's own switch wrote it.
    RegDeleteValue(HKCU, '{#RunKey}', '{#RunValue}');
    if ShouldDeleteSettings() then
      DeleteSettings();
  end;
end;
