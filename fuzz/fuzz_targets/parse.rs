//! `cargo fuzz run parse`: see fuzz/README.md and chainmesh_fuzz::check_parse.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| chainmesh_fuzz::check_parse(data));
