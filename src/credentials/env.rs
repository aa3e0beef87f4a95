//! Reading the environment the way the official `alibabacloud-credentials` libraries do:
//! an empty variable counts as unset, a switch is on when it says `true` in any case, and
//! the home directory is `HOME` (`USERPROFILE` on Windows), as `credentials-go`'s
//! `GetHomePath` finds it.

use std::path::PathBuf;

/// The value of `name`, unless it is unset, empty or not UTF-8.
pub(crate) fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Whether the switch `name` is on: `true`, in any case (`credentials-go` lower-cases it).
pub(crate) fn flag(name: &str) -> bool {
    var(name).is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// The user's home directory, where `~/.aliyun` and `~/.alibabacloud` are.
pub(crate) fn home_dir() -> Option<PathBuf> {
    let name = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}
