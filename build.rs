//! Generates include/zego_express.h from src/ffi with cbindgen. CI checks that
//! the committed header equals what a build generates.

fn main() {
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    let crate_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let config = cbindgen::Config::from_file(format!("{crate_dir}/cbindgen.toml")).expect("cbindgen.toml is valid");
    match cbindgen::Builder::new().with_crate(&crate_dir).with_config(config).generate() {
        Ok(bindings) => {
            bindings.write_to_file(format!("{crate_dir}/include/zego_express.h"));
        }
        // A source that does not parse fails the compile with a better message anyway.
        Err(e) => println!("cargo:warning=cbindgen could not generate the header: {e}"),
    }
}
