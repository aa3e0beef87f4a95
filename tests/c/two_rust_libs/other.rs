//! A second, independent Rust static library, linked into one C program with
//! libosslive.a by `tests/c_examples/linking.rs`: both carry their own copy of Rust's std
//! (panic machinery, allocator shims, ...), so the program links only if libosslive.a
//! keeps those symbols private.

use std::ffi::c_int;

/// Sums 1..=n through std (a Vec, an iterator and a panic caught inside), so that the
/// library really uses the std symbols libosslive.a also holds.
#[unsafe(no_mangle)]
pub extern "C" fn other_rust_sum(n: c_int) -> c_int {
    let caught = std::panic::catch_unwind(|| {
        let numbers: Vec<c_int> = (1..=n).collect();
        numbers.iter().sum::<c_int>()
    });
    caught.unwrap_or(-1)
}
