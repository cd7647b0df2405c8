//! The province page draws its charts with ECharts, served by the hub itself (no CDN).
//! The desk's UI already pins ECharts in ui/package-lock.json; the hub embeds the same
//! version's small build from there.

fn main() {
    let manifest = std::path::PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let source = manifest.join("../../../ui/node_modules/echarts/dist/echarts.simple.min.js");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("echarts.js");
    println!("cargo:rerun-if-changed={}", source.display());
    match std::fs::read(&source) {
        Ok(bytes) => std::fs::write(&out, bytes).unwrap(),
        Err(_) => {
            println!(
                "cargo:warning=ui/node_modules/echarts is missing (run `npm ci` in ui/): the hub's province page will show its tables without charts"
            );
            std::fs::write(&out, b"window.echarts = undefined;\n").unwrap();
        }
    }
}
