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
    // WebKitGTK's accelerated compositing keeps a layer backing store per scrolled table and
    // dialog: with software rendering (virtual machines, remote desktops, many office PCs'
    // drivers) it cost a third of the app's memory (808 → 601 MB resident at 100,000 cases)
    // and slowed every page (BENCHMARKS.md), and on some drivers it paints a blank window.
    // The pages are forms and tables, so it is off unless the user set the variable (`0`
    // keeps it on). Set before GTK starts or any thread exists.
    #[cfg(target_os = "linux")]
    default_env("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    // JavaScriptCore sizes its garbage collector's budget by the machine's memory: on an
    // office PC it let each opened case's garbage (about 10 MB) pile up to 200 MB before
    // a collection. The page's heap is a few tens of MB, so the collector is told the
    // machine has 256 MiB: at 100 cases opened the web process stays near 280 MB instead of
    // swinging between 340 and 470, and opening a case takes 76 ms instead of 68
    // (BENCHMARKS.md, window). The web process inherits the variable.
    #[cfg(target_os = "linux")]
    default_env("JSC_forceRAMSize", "268435456");
    surety_desk_lib::run();
}

/// Sets an environment variable the user has not set (the user's value wins). Called before
/// GTK starts or any thread exists.
#[cfg(target_os = "linux")]
fn default_env(name: &str, value: &str) {
    if std::env::var_os(name).is_none() {
        std::env::set_var(name, value);
    }
}
