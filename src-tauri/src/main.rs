// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        eprintln!(
            "保贷通 Surety Desk 需要图形界面，但未找到显示器（DISPLAY / WAYLAND_DISPLAY 未设置）。\n\
             Surety Desk needs a graphical display, but neither DISPLAY nor WAYLAND_DISPLAY is set.\n\
             Run it on a desktop session, or under a virtual display: xvfb-run -a surety-desk"
        );
        std::process::exit(1);
    }
    surety_desk_lib::run();
}
