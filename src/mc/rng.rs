//! Random streams: every random number of the crate comes from a stream named by a seed, a
//! [`Purpose`] and an index.
//!
//! Stream `(seed, purpose, index)` is ChaCha8 keyed by `seed` (purpose 0) or by
//! `splitmix64(seed ^ splitmix64(purpose))`, on stream number `index` (`set_stream`). The
//! same triple always gives the same numbers, whatever thread or shard draws them, and the
//! numbers of one index do not depend on how many other indices draw.
//!
//! The purposes of the crate's own streams are registered in one place, [`Purpose`]; their
//! values are part of the results (a saved posterior, a pinned simulation) and never change.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// What a family of random streams is for: the registry of the crate's purposes.
///
/// | purpose | tag | index |
/// |---|---|---|
/// | [`Purpose::RUNS`] | 0 | simulation run; calibration prior draw |
/// | [`Purpose::smc_resample`] | `2^20 s + 1` | 0 (one uniform per SMC stage `s`) |
/// | [`Purpose::smc_move`] | `2^20 s + 2 + k` | particle (sweep `k` of stage `s`) |
/// | [`Purpose::EQUAL_WEIGHT`] | `0x5eed0e0a1e15` | 0 (resampling a posterior) |
/// | [`Purpose::WHATIF`] | `0x0057484154494621` | draw × replicates + replicate |
/// | [`Purpose::FAN_CHART`] | `0x46414e` | posterior draw of a fan chart |
///
/// [`Purpose::user`] names streams of your own (tests, experiments).
///
/// # Examples
/// ```
/// use escalation::mc::Purpose;
/// let tags: Vec<u64> = Purpose::REGISTERED.iter().map(|p| p.tag()).collect();
/// assert_eq!(tags[0], 0);
/// assert_eq!(Purpose::smc_move(1, 0).tag(), (1 << 20) + 2);
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Purpose(u64);

/// Stride between SMC stages' purposes: stage `s` owns tags `2^20 s + 1 ..`.
const SMC_STAGE_STRIDE: u64 = 1 << 20;

impl Purpose {
    /// Simulation runs (run `i` is index `i`: `ChaCha8Rng::seed_from_u64(seed)` with stream
    /// `i`), and the calibration's prior draws (particle `i`).
    pub const RUNS: Purpose = Purpose(0);
    /// Resampling a posterior to equal weights (one uniform, index 0).
    pub const EQUAL_WEIGHT: Purpose = Purpose(0x5eed_0e0a_1e15);
    /// The paired runs of counterfactuals: replicate `r` of posterior draw `j` is index
    /// `j × replicates + r`, the same for every arm (common random numbers).
    pub const WHATIF: Purpose = Purpose(0x0057_4841_5449_4621);
    /// The plays of a report's fan charts: posterior draw `j` is index `j`.
    pub const FAN_CHART: Purpose = Purpose(0x0046_414e);
    /// The parameter draws of a predictive distribution (validation): draw `j` is index `j`.
    pub const PREDICTIVE: Purpose = Purpose(0x5052_4544);

    /// The fixed purposes, in the table's order (the staged SMC purposes are not listed).
    pub const REGISTERED: [Purpose; 5] = [
        Purpose::RUNS,
        Purpose::EQUAL_WEIGHT,
        Purpose::WHATIF,
        Purpose::FAN_CHART,
        Purpose::PREDICTIVE,
    ];

    /// The uniform that resamples the particles at SMC stage `stage` (from 1).
    pub fn smc_resample(stage: usize) -> Purpose {
        Purpose(SMC_STAGE_STRIDE * stage as u64 + 1)
    }

    /// The Metropolis moves of sweep `sweep` (from 0) at SMC stage `stage` (from 1);
    /// particle `i` is index `i`.
    pub fn smc_move(stage: usize, sweep: usize) -> Purpose {
        Purpose(SMC_STAGE_STRIDE * stage as u64 + 2 + sweep as u64)
    }

    /// A purpose of your own, outside the crate's pipelines (tests, experiments). The
    /// registered tags above give the crate's streams; reuse one only to reproduce them.
    pub const fn user(tag: u64) -> Purpose {
        Purpose(tag)
    }

    /// The numeric tag.
    pub const fn tag(self) -> u64 {
        self.0
    }

    /// The ChaCha8 key of this purpose's streams under `seed`.
    fn key(self, seed: u64) -> u64 {
        if self.0 == 0 {
            seed
        } else {
            splitmix64(seed ^ splitmix64(self.0))
        }
    }
}

/// The streams of one seed and purpose: [`Streams::get`] gives stream `index` by cloning one
/// keyed generator (no re-keying per stream, for hot loops).
///
/// # Examples
/// ```
/// use escalation::mc::{stream, Purpose, Streams};
/// use rand::Rng;
/// let streams = Streams::new(7, Purpose::RUNS);
/// assert_eq!(streams.get(3).next_u64(), stream(7, Purpose::RUNS, 3).next_u64());
/// assert_ne!(streams.get(3).next_u64(), streams.get(4).next_u64());
/// ```
#[derive(Clone, Debug)]
pub struct Streams {
    base: ChaCha8Rng,
}

impl Streams {
    /// The streams of `purpose` under `seed`.
    pub fn new(seed: u64, purpose: Purpose) -> Self {
        Streams {
            base: ChaCha8Rng::seed_from_u64(purpose.key(seed)),
        }
    }

    /// Stream number `index`, from its first number.
    #[inline]
    pub fn get(&self, index: u64) -> ChaCha8Rng {
        let mut rng = self.base.clone();
        rng.set_stream(index);
        rng
    }
}

/// Stream `index` of `purpose` under `seed` (see the [module docs](self)).
///
/// # Examples
/// ```
/// use escalation::mc::{stream, Purpose};
/// use rand::{Rng, SeedableRng};
/// // Purpose 0 is the plain scheme: ChaCha8Rng::seed_from_u64(seed) on stream `index`.
/// let mut plain = rand_chacha::ChaCha8Rng::seed_from_u64(7);
/// plain.set_stream(3);
/// assert_eq!(stream(7, Purpose::RUNS, 3).next_u64(), plain.next_u64());
/// ```
pub fn stream(seed: u64, purpose: Purpose, index: u64) -> ChaCha8Rng {
    Streams::new(seed, purpose).get(index)
}

/// SplitMix64 finaliser (Steele, Lea & Flood 2014): a bijective mixer that derives keys.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    /// The registered tags are distinct, and none falls in the SMC stages' range for any
    /// stage up to 10^4 with up to 10^4 sweeps.
    #[test]
    fn registered_purposes_are_distinct() {
        let tags: Vec<u64> = Purpose::REGISTERED.iter().map(|p| p.tag()).collect();
        for (i, a) in tags.iter().enumerate() {
            assert!(!tags[..i].contains(a));
            if *a != 0 {
                let (stage, k) = (a / SMC_STAGE_STRIDE, a % SMC_STAGE_STRIDE);
                assert!(stage == 0 || stage > 10_000 || k > 10_002, "{a:#x}");
            }
        }
    }

    /// Value stability: the first numbers of three streams, as the crate has always drawn
    /// them (a change here changes every saved result).
    #[test]
    fn streams_are_pinned() {
        assert_eq!(
            [
                stream(7, Purpose::RUNS, 0).next_u64(),
                stream(7, Purpose::WHATIF, 2).next_u64(),
                stream(1, Purpose::smc_move(3, 1), 5).next_u64(),
            ],
            PINNED
        );
    }

    /// Computed with the crate's scheme before the registry (`calibrate::stream_rng` and
    /// `sim::run_rng`, which drew the same numbers).
    const PINNED: [u64; 3] = [
        2_910_824_217_569_608_635,
        1_571_747_990_883_292_864,
        14_889_171_175_215_317_354,
    ];
}
