//! Parses the built-in catalog (`input/catalog/*.toml`) when the program is built and writes
//! each file again as JSON into `OUT_DIR`, which the binary includes: serde_json reads the
//! catalog's 232 KB several times faster than the TOML parser, and a cold `render --id` loads
//! it before anything else. A catalog given with `--catalog` is read as TOML at run time.

use std::path::Path;

fn main() {
    let src = Path::new("input/catalog");
    println!("cargo::rerun-if-changed=input/catalog");
    let out = Path::new(&std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("catalog");
    std::fs::create_dir_all(out.join("roles")).expect("create OUT_DIR/catalog/roles");
    let mut files = vec![
        "catalog.toml".to_string(),
        "tools.toml".into(),
        "industries.toml".into(),
    ];
    let roles = std::fs::read_dir(src.join("roles")).expect("read input/catalog/roles");
    for entry in roles {
        let name = entry.expect("list input/catalog/roles").file_name();
        let name = name.to_string_lossy();
        if name.ends_with(".toml") {
            files.push(format!("roles/{name}"));
        }
    }
    for rel in files {
        let text = std::fs::read_to_string(src.join(&rel))
            .unwrap_or_else(|e| panic!("input/catalog/{rel}: {e}"));
        // A file the TOML parser refuses is left to the loader, which names the line and the
        // fix; the test suite loads the built-in catalog.
        let json = match toml::from_str::<toml::Table>(&text) {
            Ok(table) => serde_json::to_string(&table).expect("TOML values are JSON values"),
            Err(_) => String::new(),
        };
        let target = out.join(rel.replace(".toml", ".json"));
        std::fs::write(&target, json).unwrap_or_else(|e| panic!("{}: {e}", target.display()));
    }
}
