//! The real app window: it opens, shows data that came from Rust, and switches language.

use surety_e2e::{app_binary, skip_ui_tests, AppWindow};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn window_shows_rust_data_and_switches_language() {
    if skip_ui_tests() {
        return;
    }
    let app = AppWindow::launch(&app_binary()).await;
    // A fresh data folder: the first run creates the database and signs the admin in.
    app.first_run("admin", "系统管理员", "a-long-password")
        .await;

    // Chinese by default, including the side menu.
    assert_eq!(app.wait_text("menu-dashboard", "工作台").await, "工作台");
    assert_eq!(
        app.by_test_id("menu-cases").await.text().await.unwrap(),
        "案件"
    );

    // The version and the city count come from the Rust domain crate through a command.
    let version = app
        .wait_text("app-version", env!("CARGO_PKG_VERSION"))
        .await;
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
    assert_eq!(
        app.wait_text("city-count", "共 7 个试点市").await,
        "共 7 个试点市"
    );
    let table = app
        .wait_contains("city-table", &["烟台", "莱芜", "已并入济南"])
        .await;
    assert!(
        table.contains("烟台") && table.contains("已并入济南"),
        "city table: {table}"
    );
    app.screenshot("dashboard-zh").await;

    // Switch to English: menu and Rust-provided names follow.
    app.by_test_id("lang-en").await.click().await.unwrap();
    assert_eq!(
        app.wait_text("menu-dashboard", "Dashboard").await,
        "Dashboard"
    );
    assert_eq!(
        app.wait_text("city-count", "7 pilot cities").await,
        "7 pilot cities"
    );
    let table = app
        .wait_contains("city-table", &["Tai'an", "Merged into Jinan"])
        .await;
    assert!(
        table.contains("Tai'an") && table.contains("Merged into Jinan"),
        "city table: {table}"
    );
    app.screenshot("dashboard-en").await;

    app.close().await;
}
