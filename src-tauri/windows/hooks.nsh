; Hairyo's NSIS installer hooks (bundle.windows.nsis.installerHooks in tauri.conf.json).
;
; The server address is set at install time by the city's IT section, for every user of the PC:
;
;   Hairyo_0.2.0_x64-setup.exe /S /SERVER=https://hairyo.city.example.lg.jp:8443
;
; The address goes into %ProgramData%\Hairyo\client.conf as `server = <address>`, which the
; window reads at start (before the user's own 接続先 setting, which it then cannot override).
; Without /SERVER= an existing client.conf is kept, so a repair or an upgrade without the
; option never loses it. The uninstaller leaves it too: it is the PC's configuration, not the
; app's.

!include "FileFunc.nsh"

!macro NSIS_HOOK_POSTINSTALL
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/SERVER=" $R1
  ${IfNot} ${Errors}
  ${AndIf} $R1 != ""
    CreateDirectory "$COMMONAPPDATA\Hairyo"
    FileOpen $R2 "$COMMONAPPDATA\Hairyo\client.conf" w
    FileWrite $R2 "# Written by the Hairyo installer (/SERVER=). The window connects to this server.$\r$\n"
    FileWrite $R2 "server = $R1$\r$\n"
    FileClose $R2
    DetailPrint "接続先を設定しました: $R1"
  ${EndIf}
!macroend
