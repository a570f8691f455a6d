//! The simulation's hot loop allocates nothing: once a thread's scratch space exists, playing
//! a run of the Colombia scenario (draw the parameters, solve the QRE, sample a path, record
//! its outcome) makes no heap allocation.
//!
//! A counting global allocator needs `unsafe impl GlobalAlloc`; it only forwards to the
//! system allocator. This is test code: the library itself forbids `unsafe`.
//!
//! Only allocations made on the thread that plays the runs are counted. The test harness's
//! own thread allocates while it sets up its wait for the test (a map entry, a timeout queue
//! entry, a channel waker); on a loaded machine that can happen after the count starts, and
//! CI once saw exactly those 4 allocations.

use std::cell::Cell;

use escalation::mc::{stream, Purpose};
use escalation::scenario::Scenario;
use escalation::sim::{Episode, RunRecord, ScenarioEpisode};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// Whether allocations on this thread are counted (const-initialised: reading it never
    /// allocates).
    static COUNTED: Cell<bool> = const { Cell::new(false) };
}

fn count() {
    if COUNTED.with(Cell::get) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn playing_a_run_allocates_nothing() {
    let scenario = Scenario::from_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/colombia_2025.toml"
    ))
    .unwrap();
    let episode = ScenarioEpisode::new(&scenario, "alloc").unwrap();
    let mut scratch = episode.scratch();
    let mut record = RunRecord::new(episode.layout());
    let mut classes = [0u32; 8];
    // Warm-up run, then count.
    let mut rng = stream(3, Purpose::RUNS, 0);
    episode
        .play(0, &mut rng, &mut scratch, &mut record)
        .unwrap();
    // The counter itself is live: one deliberate allocation is seen.
    COUNTED.with(|c| c.set(true));
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    drop(std::hint::black_box(Box::new(1u64)));
    assert_eq!(ALLOCATIONS.load(Ordering::Relaxed) - before, 1);
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for run in 1..200 {
        let mut rng = stream(3, Purpose::RUNS, run);
        episode
            .play(run, &mut rng, &mut scratch, &mut record)
            .unwrap();
        classes[record.class % 8] += 1;
    }
    let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
    COUNTED.with(|c| c.set(false));
    assert_eq!(allocations, 0, "{allocations} allocations in 199 runs");
    // The runs did play out (more than one outcome class).
    assert!(
        classes.iter().filter(|&&n| n > 0).count() > 1,
        "{classes:?}"
    );
}
