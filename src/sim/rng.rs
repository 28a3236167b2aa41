//! The random stream of a trial and the samplers drawn from it.
//!
//! Every draw goes through [`Stream`], which uses only the raw 64-bit output of
//! ChaCha8 (a generator named by its algorithm, whose output is fixed by its
//! specification) and portable arithmetic (`libm`), never a library
//! distribution whose algorithm might change between versions. Same seed and
//! trial index ⇒ the same numbers on every machine.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::scenario::Repair;

/// The random stream of one trial: ChaCha8 seeded from `seed`, stream `trial`.
#[derive(Debug, Clone)]
pub struct Stream(ChaCha8Rng);

impl Stream {
    /// The stream for trial `trial` of seed `seed`.
    pub fn new(seed: u64, trial: u64) -> Stream {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(trial);
        Stream(rng)
    }

    /// The stream of the strikes of hazard number `hazard` (file order) in
    /// trial `trial` of seed `seed`: the same in every topology (common
    /// random numbers), one per hazard (adding or removing a hazard moves no
    /// other hazard's strikes), and apart from [`Stream::new`]'s, so that a
    /// file without hazards draws exactly what it drew before hazards existed.
    pub fn hazard_strikes(seed: u64, trial: u64, hazard: usize) -> Stream {
        Stream::keyed(seed, STRIKES_TAG.wrapping_add(hazard as u64), trial)
    }

    /// The stream of the hazard hits (who goes down, for how long) of trial
    /// `trial` of seed `seed`, apart from every other stream. Like
    /// [`Stream::new`]'s, every topology draws from its own copy, so a
    /// topology's numbers do not depend on its place in the file.
    pub fn hazard_hits(seed: u64, trial: u64) -> Stream {
        Stream::keyed(seed, HITS_TAG, trial)
    }

    /// ChaCha8 keyed by `seed`'s key with `tag` mixed into its last eight
    /// bytes (a domain of its own: no seed's plain key is another's tagged
    /// one), stream `trial`.
    fn keyed(seed: u64, tag: u64, trial: u64) -> Stream {
        let mut key = ChaCha8Rng::seed_from_u64(seed).get_seed();
        for (b, t) in key[24..].iter_mut().zip(tag.to_le_bytes()) {
            *b ^= t;
        }
        let mut rng = ChaCha8Rng::from_seed(key);
        rng.set_stream(trial);
        Stream(rng)
    }

    /// The next raw 64-bit word.
    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform on (0, 1]: never zero, so its logarithm is finite.
    pub fn unit_open0(&mut self) -> f64 {
        let bits = self.next_u64() >> 11; // 53 random bits
        (bits + 1) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in `0..n` (n > 0), unbiased (Lemire's multiply-and-reject).
    pub fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = u128::from(self.next_u64()) * u128::from(n);
            if (m as u64) >= threshold {
                return (m >> 64) as u64;
            }
        }
    }

    /// Number of failures before the first success of independent trials with
    /// success probability `p` in (0, 1): P(K = k) = (1-p)^k p. Uses one draw.
    pub fn geometric0(&mut self, ln_q: f64) -> u64 {
        // ln_q = ln(1 - p) < 0; K = floor(ln U / ln(1 - p)) with U in (0, 1].
        let k = (libm::log(self.unit_open0()) / ln_q).floor();
        if k >= 9.0e18 { u64::MAX } else { k as u64 }
    }

    /// An outage length (>= 1 step) from `repair`.
    pub fn repair(&mut self, repair: &Repair) -> u32 {
        match *repair {
            Repair::Fixed { steps } => steps,
            Repair::Uniform { min, max } => min + self.below(u64::from(max - min) + 1) as u32,
            Repair::Geometric { mean } => {
                if mean <= 1.0 {
                    return 1;
                }
                let ln_q = libm::log1p(-1.0 / mean);
                let r = 1 + self.geometric0(ln_q);
                r.min(u64::from(u32::MAX / 2)) as u32
            }
        }
    }
}

/// Key tag of hazard 0's strike stream ("hzstrike"; hazard h adds h).
const STRIKES_TAG: u64 = u64::from_le_bytes(*b"hzstrike");
/// Key tag of the hazard hit stream ("hzhits00").
const HITS_TAG: u64 = u64::from_le_bytes(*b"hzhits00");

/// ln(1 - p) for a per-step failure probability, or `None` when p == 0.
pub fn ln_survival(p: f64) -> Option<f64> {
    (p > 0.0).then(|| libm::log1p(-p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chacha8_stream_is_pinned() {
        // Golden values: if these change, every shared seed breaks.
        let mut s = Stream::new(42, 0);
        let got: Vec<u64> = (0..3).map(|_| s.next_u64()).collect();
        let mut s7 = Stream::new(42, 7);
        let other = s7.next_u64();
        assert_eq!((got, other), (GOLDEN_42_0.to_vec(), GOLDEN_42_7));
    }

    const GOLDEN_42_0: [u64; 3] = [
        12578764544318200737,
        17529487244874322312,
        7886285670807131020,
    ];
    const GOLDEN_42_7: u64 = 2370525664269707216;

    #[test]
    fn hazard_streams_are_pinned_and_apart() {
        // Golden values: if these change, every shared seed with hazards breaks.
        let strikes = Stream::hazard_strikes(42, 0, 0).next_u64();
        let strikes1 = Stream::hazard_strikes(42, 0, 1).next_u64();
        let hits = Stream::hazard_hits(42, 0).next_u64();
        assert!(!GOLDEN_42_0.contains(&strikes) && !GOLDEN_42_0.contains(&hits));
        assert_ne!(strikes, hits);
        assert_ne!(strikes, strikes1);
        assert_ne!(strikes, Stream::hazard_strikes(42, 1, 0).next_u64());
        assert_ne!(strikes, Stream::hazard_strikes(43, 0, 0).next_u64());
        assert_eq!((strikes, strikes1, hits), GOLDEN_HAZARD_42_0);
    }

    const GOLDEN_HAZARD_42_0: (u64, u64, u64) = (
        12811173616888330624,
        3271700668182254508,
        123035114883935069,
    );

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut s = Stream::new(1, 1);
        let mut seen = [0u32; 7];
        for _ in 0..7000 {
            seen[s.below(7) as usize] += 1;
        }
        assert!(seen.iter().all(|&c| c > 800 && c < 1200), "{seen:?}");
    }

    #[test]
    fn unit_open0_is_in_half_open_interval() {
        let mut s = Stream::new(3, 0);
        for _ in 0..10_000 {
            let u = s.unit_open0();
            assert!(u > 0.0 && u <= 1.0);
        }
    }

    #[test]
    fn geometric_mean_matches_formula() {
        // E[K] = (1-p)/p for failures before first success.
        let p: f64 = 0.1;
        let ln_q = ln_survival(p).expect("p > 0");
        let mut s = Stream::new(9, 0);
        let n = 200_000;
        let mean = (0..n).map(|_| s.geometric0(ln_q) as f64).sum::<f64>() / n as f64;
        let expect = (1.0 - p) / p;
        // Standard error = sqrt(1-p)/p / sqrt(n) ≈ 0.021; allow 5 sigma.
        assert!((mean - expect).abs() < 0.11, "mean {mean} vs {expect}");
    }

    #[test]
    fn repair_samples_have_the_configured_mean() {
        let mut s = Stream::new(5, 0);
        let n = 100_000;
        let g = Repair::Geometric { mean: 7.0 };
        let mean = (0..n).map(|_| f64::from(s.repair(&g))).sum::<f64>() / n as f64;
        // sd = sqrt(1-q)/q = sqrt(6/7)*7 ≈ 6.48; se ≈ 0.0205; 5 sigma ≈ 0.1.
        assert!((mean - 7.0).abs() < 0.1, "{mean}");
        let u = Repair::Uniform { min: 2, max: 4 };
        let xs: Vec<u32> = (0..1000).map(|_| s.repair(&u)).collect();
        assert!(xs.iter().all(|&x| (2..=4).contains(&x)));
        assert!(xs.contains(&2) && xs.contains(&4));
        assert_eq!(s.repair(&Repair::Fixed { steps: 5 }), 5);
    }
}
