//! Memory of reading a scenario file (issue 14 item 12): the peak heap of
//! `Scenario::from_toml`, counted by a global allocator, is a small multiple
//! of the file. The toml crate's document tree alone took about 45 bytes per
//! byte of a file of node and link entries; those are now read entry by
//! entry (`src/scenario/chunked.rs`).
//!
//! One test in this binary, so nothing else allocates while it measures.

use chainmesh::compose::generate::{Model, generate_with};
use chainmesh::scenario::Scenario;
use peak_alloc::PeakAlloc;

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

/// Most heap bytes per byte of file while reading it, text and its copies
/// included (measured: about 9× for generated networks; the whole-file
/// parse took about 45×).
const MAX_MULTIPLE: f64 = 15.0;

#[test]
fn reading_a_large_file_takes_a_small_multiple_of_its_size() {
    for (model, nodes) in [(Model::Layered, 20_000), (Model::Er, 20_000)] {
        let text = generate_with(model, nodes, 0, false);
        let base = HEAP.current_usage();
        HEAP.reset_peak_usage();
        let scenario = Scenario::from_toml("big.toml", &text).expect("valid");
        let peak = HEAP.peak_usage().saturating_sub(base);
        drop(scenario);
        let multiple = peak as f64 / text.len() as f64;
        eprintln!(
            "{model:?} {nodes} nodes: file {} bytes, peak heap {peak} bytes ({multiple:.1}×)",
            text.len()
        );
        assert!(
            multiple <= MAX_MULTIPLE,
            "{model:?}: reading took {multiple:.1}× the file ({peak} bytes for {})",
            text.len()
        );
    }
}
