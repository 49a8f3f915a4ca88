// CPU time of a load program: `include!`d by bench/ours and written by `cargo xtask bench`
// into the anchor's harness, so both programs measure the same way.

/// User plus system CPU time of this process (getrusage, RUSAGE_SELF), without a libc crate.
fn cpu_time() -> std::time::Duration {
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
    // SAFETY: `Rusage` has the layout of `struct rusage` on 64-bit Linux; RUSAGE_SELF is 0.
    let usage = unsafe {
        assert_eq!(getrusage(0, usage.as_mut_ptr()), 0, "getrusage");
        usage.assume_init()
    };
    let micros = |t: &Timeval| t.sec as u64 * 1_000_000 + t.usec as u64;
    std::time::Duration::from_micros(micros(&usage.utime) + micros(&usage.stime))
}
