; 保贷通 Surety Desk for Windows: the window, the `surety` CLI (admins need it for settings
; and restore) and the font documents are printed in, installed for the whole machine.
; WebView2 (the window's engine) comes with Windows 11; on Windows 10 its bootstrapper is
; fetched from Microsoft when it is missing. Built by scripts/windows.sh with Debian's nsis:
;   makensis -DSRC=<folder with surety-desk.exe, surety.exe, fonts/> -DOUT=<setup.exe>
;            -DVERSION=0.1.0 -DICON=<icon.ico> [-DFAST] installer.nsi
; FAST (the test build) stores the files uncompressed.

; 64-bit, like the programs it installs (and Wine runs it without 32-bit support).
Target amd64-unicode
!ifndef SRC | OUT | VERSION | ICON
  !error "give -DSRC, -DOUT, -DVERSION and -DICON"
!endif
!ifdef FAST
  SetCompress off
!else
  SetCompressor /SOLID lzma
!endif

!define APP "保贷通 Surety Desk"
!define KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\SuretyDesk"
; The WebView2 runtime's id in EdgeUpdate's registry keys (Microsoft's distribution guide).
!define WEBVIEW2 "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"

Name "${APP}"
OutFile "${OUT}"
InstallDir "$PROGRAMFILES64\Surety Desk"
InstallDirRegKey HKLM "${KEY}" "InstallLocation"
RequestExecutionLevel admin
SetOverwrite on

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_FINISHPAGE_RUN "$INSTDIR\surety-desk.exe"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "ProductName" "${APP}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "FileDescription" "${APP} 安装程序"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "LegalCopyright" "Surety Desk; Noto Sans CJK © Adobe (SIL OFL 1.1)"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "保贷通需要 64 位 Windows 10 或 11。$\nSurety Desk needs 64-bit Windows 10 or 11."
    Abort
  ${EndIf}
  SetRegView 64
FunctionEnd

Function un.onInit
  SetRegView 64
FunctionEnd

; Installs WebView2 through Microsoft's bootstrapper when no runtime is registered.
Function EnsureWebView2
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\${WEBVIEW2}" "pv"
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKCU "Software\Microsoft\EdgeUpdate\Clients\${WEBVIEW2}" "pv"
  ${EndIf}
  ${If} $0 != ""
  ${AndIf} $0 != "0.0.0.0"
    DetailPrint "WebView2 $0"
    Return
  ${EndIf}
  DetailPrint "正在下载并安装 Microsoft Edge WebView2 运行时 / Installing the WebView2 runtime…"
  nsExec::ExecToLog 'powershell -NoProfile -ExecutionPolicy Bypass -Command "Invoke-WebRequest -UseBasicParsing -Uri https://go.microsoft.com/fwlink/p/?LinkId=2124703 -OutFile $\"$TEMP\MicrosoftEdgeWebview2Setup.exe$\""'
  Pop $1
  ${If} $1 != 0
  ${OrIfNot} ${FileExists} "$TEMP\MicrosoftEdgeWebview2Setup.exe"
    DetailPrint "WebView2 could not be downloaded ($1)"
    MessageBox MB_ICONEXCLAMATION|MB_OK "无法下载 WebView2 运行时：窗口程序需要它。请联网后重新运行安装程序，或从微软网站安装“Microsoft Edge WebView2 运行时”。命令行程序 surety.exe 不需要它。$\nThe WebView2 runtime could not be downloaded: the window needs it. Run this setup again when online, or install Microsoft's WebView2 Runtime. The surety.exe CLI does not need it." /SD IDOK
    Return
  ${EndIf}
  ExecWait '"$TEMP\MicrosoftEdgeWebview2Setup.exe" /silent /install' $1
  Delete "$TEMP\MicrosoftEdgeWebview2Setup.exe"
  DetailPrint "WebView2 bootstrapper: $1"
FunctionEnd

Section "${APP}"
  SetOutPath "$INSTDIR"
  File "${SRC}/surety-desk.exe"
  File "${SRC}/surety.exe"
  SetOutPath "$INSTDIR\fonts"
  File "${SRC}/fonts/NotoSansCJKsc-Regular.otf"
  File "${SRC}/fonts/LICENSE-OFL.txt"
  Call EnsureWebView2
  SetShellVarContext all
  CreateDirectory "$SMPROGRAMS\${APP}"
  CreateShortcut "$SMPROGRAMS\${APP}\${APP}.lnk" "$INSTDIR\surety-desk.exe"
  CreateShortcut "$SMPROGRAMS\${APP}\卸载 Uninstall.lnk" "$INSTDIR\uninstall.exe"
  CreateShortcut "$DESKTOP\${APP}.lnk" "$INSTDIR\surety-desk.exe"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKLM "${KEY}" "DisplayName" "${APP}"
  WriteRegStr HKLM "${KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${KEY}" "Publisher" "Surety Desk"
  WriteRegStr HKLM "${KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${KEY}" "DisplayIcon" "$INSTDIR\surety-desk.exe"
  WriteRegStr HKLM "${KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegDWORD HKLM "${KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${KEY}" "NoRepair" 1
SectionEnd

; The program goes; the data stays: each user's encrypted database and key file under
; %APPDATA%\cn.gov.sd.suretydesk are theirs (and their backups wherever they put them).
Section "Uninstall"
  Delete "$INSTDIR\surety-desk.exe"
  Delete "$INSTDIR\surety.exe"
  Delete "$INSTDIR\fonts\NotoSansCJKsc-Regular.otf"
  Delete "$INSTDIR\fonts\LICENSE-OFL.txt"
  RMDir "$INSTDIR\fonts"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  SetShellVarContext all
  Delete "$SMPROGRAMS\${APP}\${APP}.lnk"
  Delete "$SMPROGRAMS\${APP}\卸载 Uninstall.lnk"
  RMDir "$SMPROGRAMS\${APP}"
  Delete "$DESKTOP\${APP}.lnk"
  DeleteRegKey HKLM "${KEY}"
SectionEnd
