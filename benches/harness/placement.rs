//! CPU placement: the single-connection sections run with client, server and child
//! processes on one CPU, unless BENCH_PIN=0. See BENCHMARKS.md, "CPU placement".

use crate::report::Report;

/// A CPU set as the kernel takes it (1024 CPUs).
type CpuMask = [u64; 16];

// glibc's thread-affinity calls (pid 0 = the calling thread); declared here rather than
// pulling in the libc crate for two functions.
unsafe extern "C" {
    fn sched_getaffinity(pid: i32, cpusetsize: usize, mask: *mut u64) -> i32;
    fn sched_setaffinity(pid: i32, cpusetsize: usize, mask: *const u64) -> i32;
}

fn current_affinity() -> Option<CpuMask> {
    let mut mask: CpuMask = [0; 16];
    // SAFETY: the buffer is as large as the size given.
    let rc = unsafe { sched_getaffinity(0, std::mem::size_of::<CpuMask>(), mask.as_mut_ptr()) };
    (rc == 0).then_some(mask)
}

/// Sets the calling thread's CPUs; threads and processes it starts afterwards inherit them.
fn set_affinity(mask: &CpuMask) -> bool {
    // SAFETY: the buffer is as large as the size given.
    unsafe { sched_setaffinity(0, std::mem::size_of::<CpuMask>(), mask.as_ptr()) == 0 }
}

/// The mask of only the first CPU of `mask`, and that CPU's number.
fn first_cpu(mask: &CpuMask) -> Option<(CpuMask, usize)> {
    let cpu = (0..1024).find(|&i| mask[i / 64] & (1u64 << (i % 64)) != 0)?;
    let mut one: CpuMask = [0; 16];
    one[cpu / 64] = 1u64 << (cpu % 64);
    Some((one, cpu))
}

/// Where the single-connection sections run: all on one CPU (client, server, child
/// processes), unless BENCH_PIN=0. See BENCHMARKS.md, "CPU placement".
pub struct Placement {
    all: Option<CpuMask>,
    one: Option<(CpuMask, usize)>,
}

impl Placement {
    pub fn new(report: &mut Report) -> Placement {
        let all = current_affinity();
        let wanted = std::env::var("BENCH_PIN").map_or(true, |v| v != "0");
        let one = if wanted {
            all.as_ref().and_then(first_cpu)
        } else {
            None
        };
        if wanted && one.is_none() {
            report.note("cannot read the CPU affinity: nothing is pinned");
        }
        Placement { all, one }
    }

    pub fn describe(&self) -> String {
        match &self.one {
            Some((_, cpu)) => format!(
                "single-connection sections pinned to CPU {cpu} (client, server and child \
                 processes); threads and unpinned sections on all CPUs"
            ),
            None => "nothing pinned (BENCH_PIN=0)".to_owned(),
        }
    }

    pub fn pin(&self) {
        if let Some((mask, _)) = &self.one {
            set_affinity(mask);
        }
    }

    pub fn unpin(&self) {
        if let Some(mask) = &self.all {
            set_affinity(mask);
        }
    }
}
