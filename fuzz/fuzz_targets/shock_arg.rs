//! `cargo fuzz run shock_arg`: see fuzz/README.md and chainmesh_fuzz::check_shock_arg.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| chainmesh_fuzz::check_shock_arg(data));
