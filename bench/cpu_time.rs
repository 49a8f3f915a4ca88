// CPU time of a process, without a libc crate: `include!`d by bench/ours and by xtask, and
// written by `cargo xtask bench` into the anchor's harness, so every figure is measured alike.

/// User plus system CPU time from `getrusage(who)`: 0 for this process (RUSAGE_SELF), -1 for
/// its waited-for children (RUSAGE_CHILDREN). `None` if the call fails.
fn rusage_cpu(who: i32) -> Option<std::time::Duration> {
    #[repr(C)]
    struct Timeval {
        sec: i64,
        usec: i64,
    }
    #[repr(C)]
    struct Rusage {
        utime: Timeval,
        stime: Timeval,
        rest: [i64; 14],
    }
    extern "C" {
        fn getrusage(who: i32, usage: *mut Rusage) -> i32;
    }
    let mut usage = std::mem::MaybeUninit::<Rusage>::zeroed();
    // SAFETY: `Rusage` has the layout of `struct rusage` on 64-bit Linux.
    let usage = unsafe {
        if getrusage(who, usage.as_mut_ptr()) != 0 {
            return None;
        }
        usage.assume_init()
    };
    let micros = |t: &Timeval| t.sec as u64 * 1_000_000 + t.usec as u64;
    Some(std::time::Duration::from_micros(
        micros(&usage.utime) + micros(&usage.stime),
    ))
}
