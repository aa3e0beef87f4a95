//! The C examples in `examples-c/`, built with their Makefile against the library cargo
//! just built, run against an in-process emulator: linked statically, linked to the
//! shared library, under valgrind, and built with ASan + UBSan. Each must print the
//! right things, exit with the right code, and leave no sanitizer or valgrind finding.
//! The Makefile also builds the test programs `hostile_input` from `tests/c/hostile/`,
//! `credentials_rotation` from `tests/c/rotation/` and `cancel_calls` from
//! `tests/c/cancel/`.
//!
//! It also builds `encoder_push`, the example encoder on FFmpeg's libraries
//! (`encoder.rs` pushes with it), and installs the CMake package that `cmake.rs` builds a
//! CMake project against.
//!
//! Needs `make`, a C compiler, a C++ compiler and `valgrind` (Debian/Ubuntu:
//! `apt-get install make gcc g++ valgrind`), `cmake`, and pkg-config with FFmpeg's
//! development files (`apt-get install cmake pkg-config libavformat-dev libavcodec-dev
//! libavutil-dev libswscale-dev`); without them the tests fail, never skip.
//!
//! `build`, `run` and `env` build the programs, run them and give them their
//! environment; each other module is one topic, its scenarios run by several builds.

mod build;
mod env;
mod run;

mod cancel;
mod cmake;
mod credentials;
mod encoder;
mod errors;
mod faults;
mod hostile;
mod install;
mod lifecycle;
mod linking;
mod play;
mod sanitizers;
mod static_link;
mod threads;
