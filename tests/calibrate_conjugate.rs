//! Conjugate problems whose posterior and evidence are known in closed form (Gelman et al.,
//! Bayesian Data Analysis, 3rd ed., §2.4 Beta–Binomial and §2.5 Normal with known variance).

use escalation::calibrate::{JointPrior, Likelihood, Method, Smc, SmcConfig};
use escalation::mc::{stream, Purpose};
use rand::{Rng, RngExt};
use rand_distr::{Beta, Distribution, Normal};

struct BetaPrior {
    a: f64,
    b: f64,
}

fn ln_beta(a: f64, b: f64) -> f64 {
    libm::lgamma(a) + libm::lgamma(b) - libm::lgamma(a + b)
}

impl JointPrior for BetaPrior {
    fn dim(&self) -> usize {
        1
    }
    fn names(&self) -> Vec<String> {
        vec!["p".into()]
    }
    fn sample(&self, rng: &mut dyn Rng, out: &mut [f64]) {
        out[0] = Beta::new(self.a, self.b).unwrap().sample(rng);
    }
    fn ln_pdf(&self, t: &[f64]) -> f64 {
        let p = t[0];
        if p <= 0.0 || p >= 1.0 {
            return f64::NEG_INFINITY;
        }
        (self.a - 1.0) * p.ln() + (self.b - 1.0) * (1.0 - p).ln() - ln_beta(self.a, self.b)
    }
}

/// `k` successes in `n` Bernoulli trials in a given order (no binomial coefficient).
struct Binomial {
    k: f64,
    n: f64,
}

impl Likelihood for Binomial {
    fn ln_likelihood(&self, t: &[f64]) -> f64 {
        self.k * t[0].ln() + (self.n - self.k) * (1.0 - t[0]).ln()
    }
}

struct NormalPrior {
    mu: f64,
    tau: f64,
}

impl JointPrior for NormalPrior {
    fn dim(&self) -> usize {
        1
    }
    fn names(&self) -> Vec<String> {
        vec!["theta".into()]
    }
    fn sample(&self, rng: &mut dyn Rng, out: &mut [f64]) {
        out[0] = Normal::new(self.mu, self.tau).unwrap().sample(rng);
    }
    fn ln_pdf(&self, t: &[f64]) -> f64 {
        let z = (t[0] - self.mu) / self.tau;
        -0.5 * z * z - self.tau.ln() - 0.5 * (2.0 * std::f64::consts::PI).ln()
    }
}

struct NormalData {
    y: Vec<f64>,
    sigma: f64,
}

impl Likelihood for NormalData {
    fn ln_likelihood(&self, t: &[f64]) -> f64 {
        self.y
            .iter()
            .map(|y| {
                let z = (y - t[0]) / self.sigma;
                -0.5 * z * z - self.sigma.ln() - 0.5 * (2.0 * std::f64::consts::PI).ln()
            })
            .sum()
    }
}

fn config(particles: usize, seed: u64) -> SmcConfig {
    let mut c = SmcConfig::default();
    c.particles = particles;
    c.seed = seed;
    c
}

#[test]
fn beta_binomial_weak_data_is_importance_sampling_with_exact_moments_and_evidence() {
    // Beta(2, 3) prior, 3 successes in 5 trials: posterior Beta(5, 5).
    let (a, b, k, n) = (2.0, 3.0, 3.0, 5.0);
    let post = Smc::new(config(20_000, 1))
        .run(&BetaPrior { a, b }, &Binomial { k, n })
        .unwrap();
    assert_eq!(post.diagnostics.method, Method::ImportanceSampling);
    let s = post.summary();
    let (pa, pb) = (a + k, b + n - k);
    let mean = pa / (pa + pb);
    let sd = (pa * pb / ((pa + pb).powi(2) * (pa + pb + 1.0))).sqrt();
    let p = &s.parameters[0];
    assert!((p.posterior_mean - mean).abs() < 0.05 * sd, "{p:?}");
    assert!((p.posterior_sd - sd).abs() < 0.05 * sd, "{p:?}");
    // Beta(5,5) is symmetric about 1/2, so its 90% interval is symmetric about 1/2.
    assert!((p.posterior_interval[0] + p.posterior_interval[1] - 1.0).abs() < 0.02);
    // Evidence of the ordered sequence: B(a+k, b+n-k) / B(a, b).
    let ln_z = ln_beta(pa, pb) - ln_beta(a, b);
    assert!((post.diagnostics.log_prior_predictive - ln_z).abs() < 0.02);
    // Posterior predictive of the same data: E_post[p^k (1-p)^(n-k)] = B(pa+k, pb+n-k)/B(pa,pb).
    let ln_pp = ln_beta(pa + k, pb + n - k) - ln_beta(pa, pb);
    assert!((post.diagnostics.log_posterior_predictive - ln_pp).abs() < 0.02);
    assert!(
        ln_pp > ln_z,
        "the posterior predicts its own data better than the prior"
    );
}

#[test]
fn beta_binomial_strong_data_needs_tempering_and_still_matches() {
    // Beta(1, 1) prior, 700 successes in 1000: posterior Beta(701, 301), far narrower than
    // the prior, so importance sampling alone is degenerate.
    let (a, b, k, n) = (1.0, 1.0, 700.0, 1000.0);
    let post = Smc::new(config(4000, 2))
        .run(&BetaPrior { a, b }, &Binomial { k, n })
        .unwrap();
    assert_eq!(post.diagnostics.method, Method::TemperedSmc);
    assert!(post.diagnostics.stages > 2);
    assert!(post.diagnostics.ess > 1000.0);
    let (pa, pb) = (a + k, b + n - k);
    let mean = pa / (pa + pb);
    let sd = (pa * pb / ((pa + pb).powi(2) * (pa + pb + 1.0))).sqrt();
    let p = &post.summary().parameters[0];
    assert!(
        (p.posterior_mean - mean).abs() < 0.1 * sd,
        "{p:?} vs {mean}"
    );
    assert!((p.posterior_sd / sd - 1.0).abs() < 0.1, "{p:?} vs sd {sd}");
    let ln_z = ln_beta(pa, pb) - ln_beta(a, b);
    assert!(
        (post.diagnostics.log_prior_predictive - ln_z).abs() < 0.15,
        "{} vs {ln_z}",
        post.diagnostics.log_prior_predictive
    );
}

#[test]
fn normal_normal_posterior_interval_matches_closed_form() {
    // theta ~ N(0, 3²); 50 observations y ~ N(theta, 1): posterior N(mu_n, tau_n²).
    let mut rng = stream(99, Purpose::RUNS, 0);
    let y: Vec<f64> = (0..50)
        .map(|_| 1.3 + rng.sample::<f64, _>(rand_distr::StandardNormal))
        .collect();
    let (mu0, tau0, sigma) = (0.0, 3.0, 1.0);
    let n = y.len() as f64;
    let sum: f64 = y.iter().sum();
    let var_n = 1.0 / (1.0 / (tau0 * tau0) + n / (sigma * sigma));
    let mu_n = var_n * (mu0 / (tau0 * tau0) + sum / (sigma * sigma));
    let sd_n = var_n.sqrt();
    let post = Smc::new(config(4000, 3))
        .run(
            &NormalPrior { mu: mu0, tau: tau0 },
            &NormalData {
                y: y.clone(),
                sigma,
            },
        )
        .unwrap();
    let p = &post.summary().parameters[0];
    // 1.6448536 = Φ⁻¹(0.95).
    let z95 = 1.644_853_6;
    assert!(
        (p.posterior_mean - mu_n).abs() < 0.1 * sd_n,
        "{p:?} vs {mu_n}"
    );
    assert!(
        (p.posterior_interval[0] - (mu_n - z95 * sd_n)).abs() < 0.15 * sd_n,
        "{p:?}"
    );
    assert!(
        (p.posterior_interval[1] - (mu_n + z95 * sd_n)).abs() < 0.15 * sd_n,
        "{p:?}"
    );
    assert!(p.identified);
    // Prior 90% interval of N(0, 9): ±4.93.
    assert!((p.prior_interval[1] - z95 * tau0).abs() < 0.2);
    // Evidence: y ~ N(mu0 1, sigma² I + tau0² 1 1ᵀ); ln p(y) in closed form via the
    // Sherman–Morrison inverse and the matrix determinant lemma.
    let s2 = sigma * sigma;
    let t2 = tau0 * tau0;
    let dev: Vec<f64> = y.iter().map(|v| v - mu0).collect();
    let ss: f64 = dev.iter().map(|d| d * d).sum();
    let sd: f64 = dev.iter().sum();
    let quad = ss / s2 - t2 * sd * sd / (s2 * (s2 + n * t2));
    let log_det = (n - 1.0) * s2.ln() + (s2 + n * t2).ln();
    let ln_z = -0.5 * (n * (2.0 * std::f64::consts::PI).ln() + log_det + quad);
    assert!(
        (post.diagnostics.log_prior_predictive - ln_z).abs() < 0.15,
        "{} vs {ln_z}",
        post.diagnostics.log_prior_predictive
    );
}

#[test]
fn flat_likelihood_leaves_the_prior_and_warns() {
    struct Flat;
    impl Likelihood for Flat {
        fn ln_likelihood(&self, _t: &[f64]) -> f64 {
            -2.0
        }
    }
    let post = Smc::new(config(3000, 4))
        .run(&NormalPrior { mu: 1.0, tau: 2.0 }, &Flat)
        .unwrap();
    let s = post.summary();
    assert_eq!(s.method, Method::ImportanceSampling);
    assert!(!s.parameters[0].identified);
    assert!(s.warnings.iter().any(|w| w.contains("not identified")));
    assert!((s.prior_predictive - (-2.0f64).exp()).abs() < 1e-12);
}

#[test]
fn impossible_data_is_an_error_not_a_posterior() {
    struct Never;
    impl Likelihood for Never {
        fn ln_likelihood(&self, _t: &[f64]) -> f64 {
            f64::NEG_INFINITY
        }
    }
    let err = Smc::new(config(100, 5))
        .run(&NormalPrior { mu: 0.0, tau: 1.0 }, &Never)
        .unwrap_err();
    assert!(err.to_string().contains("probability zero"), "{err}");
}

#[test]
fn bad_settings_are_refused_by_name() {
    let mut c = config(1, 0);
    let err = Smc::new(c.clone())
        .run(
            &NormalPrior { mu: 0.0, tau: 1.0 },
            &NormalData {
                y: vec![0.0],
                sigma: 1.0,
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("particles"), "{err}");
    c.particles = 10;
    c.target_ess_fraction = 1.5;
    let err = Smc::new(c)
        .run(
            &NormalPrior { mu: 0.0, tau: 1.0 },
            &NormalData {
                y: vec![0.0],
                sigma: 1.0,
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("target_ess_fraction"), "{err}");
}

#[test]
fn truncated_support_is_respected_by_the_moves() {
    // Uniform(0,1) prior with strong data near the boundary: no particle may leave [0, 1].
    let post = Smc::new(config(2000, 6))
        .run(
            &BetaPrior { a: 1.0, b: 1.0 },
            &Binomial { k: 199.0, n: 200.0 },
        )
        .unwrap();
    assert!(post.particles.iter().all(|p| p[0] > 0.0 && p[0] < 1.0));
    // Posterior Beta(200, 2): mean 200/202.
    let m = post.summary().parameters[0].posterior_mean;
    assert!((m - 200.0 / 202.0).abs() < 0.002, "{m}");
}
