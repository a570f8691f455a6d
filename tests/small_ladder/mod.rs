//! The small ladder the joint-calibration tests build their synthetic cases on
//! (`mod small_ladder;` in each test file that uses it): one round of 7 days, one 25% tariff
//! step, two target types; the target's stake and λ have priors, the rest is fixed.

/// The `[structure]` and `[params]` tables of the small ladder, with the challenger's stake
/// and the prior (TOML inline table) of its audience cost.
pub fn structure_and_params(stake_challenger: f64, audience_challenger: &str) -> String {
    format!(
        r#"
[structure]
schedule = [{{ rate = 0.25, day = 0.0 }}]
rounds = [7.0]
face_saving = false
challenger_types = 1
target_types = 2

[params]
stake_challenger = {stake_challenger}
stake_target = {{ dist = "uniform", min = 0.2, max = 2.0 }}
audience_challenger = {audience_challenger}
audience_target = 0.5
audience_growth = 0.5
exports_target = 14.0
exports_challenger = 17.0
elasticity = 0.76
importer_burden = 0.3
counter_tariff = 0.25
face_saving_discount = 0.5
face_saving_cost = 0.002
third_party_support = 0.1
discount_rate = 0.05
lambda = {{ dist = "lognormal", mu = 1.0986, sigma = 0.5 }}
prior_challenger_resolute = 0.5
prior_target_resolute = 0.3
resolve_factor_challenger = 2.0
resolve_factor_target = 2.0
"#
    )
}

/// The challenger's audience-cost prior with mode `mode` (triangular on [0.2, 3]).
pub fn audience_prior(mode: f64) -> String {
    format!(r#"{{ dist = "triangular", min = 0.2, mode = {mode}, max = 3.0 }}"#)
}
