//! The TOML schema, as serde types (unknown fields are rejected everywhere).

use super::prior::{Prior, PriorError};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::fmt;
use toml::Spanned;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileSpec {
    pub scenario: MetaSpec,
    #[serde(default)]
    pub sources: Vec<Spanned<SourceSpec>>,
    pub structure: Spanned<StructureSpec>,
    pub params: Spanned<BTreeMap<Spanned<String>, Spanned<PriorSpec>>>,
    #[serde(default)]
    pub levers: Vec<Spanned<LeverSpec>>,
    #[serde(default)]
    pub path: Vec<Spanned<PathStepSpec>>,
    #[serde(default)]
    pub interventions: Vec<Spanned<InterventionSpec>>,
    #[serde(default)]
    pub calibration: Option<Spanned<CalibrationSpec>>,
}

/// `[calibration]`: how the file's parameters join a joint calibration.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub(crate) struct CalibrationSpec {
    /// Parameter name → the name it is shared under across scenarios.
    #[serde(default)]
    pub shared: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub(crate) struct MetaSpec {
    pub title: String,
    pub challenger: String,
    pub target: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub observed_until: Option<Spanned<toml::value::Datetime>>,
}

#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub(crate) struct SourceSpec {
    pub id: String,
    pub title: String,
    pub url: String,
    pub date: toml::value::Datetime,
}

#[derive(Deserialize, Debug, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub(crate) struct StepSpec {
    pub rate: f64,
    pub day: f64,
    #[serde(default = "default_coverage")]
    pub coverage: f64,
}

#[derive(Deserialize, Debug, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub(crate) struct CounterStepSpec {
    pub rate: f64,
    #[serde(default = "default_coverage")]
    pub coverage: f64,
}

fn default_coverage() -> f64 {
    1.0
}

#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub(crate) enum OpeningSpec {
    #[default]
    Refusal,
    Threat,
    Imposition,
}

fn default_rounds() -> Vec<f64> {
    vec![1.0, 7.0]
}
fn default_true() -> bool {
    true
}
fn default_two() -> usize {
    2
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub(crate) struct StructureSpec {
    #[serde(default)]
    pub opening: OpeningSpec,
    pub schedule: Vec<StepSpec>,
    #[serde(default)]
    pub counter_schedule: Option<Vec<CounterStepSpec>>,
    #[serde(default)]
    pub base_rate_challenger: f64,
    #[serde(default)]
    pub base_rate_target: f64,
    #[serde(default)]
    pub settlement: bool,
    #[serde(default)]
    pub payoff_unit: Option<Spanned<String>>,
    #[serde(default = "default_rounds")]
    pub rounds: Vec<f64>,
    #[serde(default = "default_true")]
    pub face_saving: bool,
    #[serde(default = "default_two")]
    pub challenger_types: usize,
    #[serde(default = "default_two")]
    pub target_types: usize,
}

#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(crate) enum LeverFrom {
    Threat,
    Imposition,
}

fn default_from() -> LeverFrom {
    LeverFrom::Threat
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub(crate) struct LeverSpec {
    pub name: String,
    #[serde(default = "default_true")]
    pub enabled: bool,
    #[serde(default = "default_from")]
    pub from: LeverFrom,
    pub cost_challenger: Spanned<PriorSpec>,
    pub cost_target: Spanned<PriorSpec>,
    #[serde(default)]
    #[allow(dead_code)]
    pub note: String,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub(crate) struct PathStepSpec {
    pub actor: String,
    pub action: String,
    pub time: toml::value::Datetime,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub note: String,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub(crate) struct ForceSpec {
    pub at: String,
    pub action: String,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub(crate) struct ForbidSpec {
    pub actor: String,
    #[serde(default)]
    pub after: String,
    pub actions: Vec<String>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub(crate) struct InterventionSpec {
    pub name: String,
    /// `commit`, `type` or `deviate` (required).
    #[serde(default)]
    pub kind: Option<Spanned<String>>,
    /// For `kind = "type"`: the side whose type is fixed.
    #[serde(default)]
    pub actor: Option<Spanned<String>>,
    /// For `kind = "type"`: `resolute` or `irresolute`.
    #[serde(default, rename = "type")]
    pub fixed_type: Option<Spanned<String>>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub force: Vec<ForceSpec>,
    #[serde(default)]
    pub forbid: Vec<ForbidSpec>,
    #[serde(default)]
    pub set: BTreeMap<String, Spanned<PriorSpec>>,
    #[serde(default)]
    pub schedule: Option<Vec<StepSpec>>,
    #[serde(default)]
    pub levers: BTreeMap<String, bool>,
}

/// A parameter's value or prior as written (checked when the scenario is built), with its
/// source reference.
#[derive(Debug, Clone)]
pub(crate) struct PriorSpec {
    dist: PriorTable,
    pub source: Option<String>,
    /// The scalar parameter the drawn value multiplies (a relative prior).
    pub per: Option<String>,
}

#[derive(Deserialize, Debug, Clone)]
#[serde(tag = "dist", rename_all = "snake_case")]
enum PriorTable {
    Fixed(FixedT),
    Uniform(UniformT),
    Normal(NormalT),
    TruncatedNormal(TruncT),
    Beta(BetaT),
    Lognormal(LogNormalT),
    Triangular(TriT),
    Discrete(DiscreteT),
}

macro_rules! table {
    ($name:ident { $($f:ident : $t:ty),* }) => {
        #[derive(Deserialize, Debug, Clone)]
        #[serde(deny_unknown_fields)]
        struct $name {
            $($f: $t,)*
            #[serde(default)]
            source: Option<String>,
            #[serde(default)]
            per: Option<String>,
            #[serde(default)]
            #[allow(dead_code)]
            note: String,
        }
    };
}
table!(FixedT { value: f64 });
table!(UniformT { min: f64, max: f64 });
table!(NormalT { mean: f64, sd: f64 });
table!(TruncT {
    mean: f64,
    sd: f64,
    min: f64,
    max: f64
});
table!(BetaT {
    alpha: f64,
    beta: f64
});
table!(LogNormalT {
    mu: f64,
    sigma: f64
});
table!(TriT {
    min: f64,
    mode: f64,
    max: f64
});
table!(DiscreteT { values: Vec<f64>, weights: Vec<f64> });

impl PriorSpec {
    /// The prior, through its checked constructor.
    pub fn prior(&self) -> Result<Prior, PriorError> {
        match &self.dist {
            PriorTable::Fixed(x) => Prior::fixed(x.value),
            PriorTable::Uniform(x) => Prior::uniform(x.min, x.max),
            PriorTable::Normal(x) => Prior::normal(x.mean, x.sd),
            PriorTable::TruncatedNormal(x) => Prior::truncated_normal(x.mean, x.sd, x.min, x.max),
            PriorTable::Beta(x) => Prior::beta(x.alpha, x.beta),
            PriorTable::Lognormal(x) => Prior::lognormal(x.mu, x.sigma),
            PriorTable::Triangular(x) => Prior::triangular(x.min, x.mode, x.max),
            PriorTable::Discrete(x) => Prior::discrete(x.values.clone(), x.weights.clone()),
        }
    }
}

impl From<PriorTable> for PriorSpec {
    fn from(t: PriorTable) -> Self {
        let (source, per) = match &t {
            PriorTable::Fixed(x) => (x.source.clone(), x.per.clone()),
            PriorTable::Uniform(x) => (x.source.clone(), x.per.clone()),
            PriorTable::Normal(x) => (x.source.clone(), x.per.clone()),
            PriorTable::TruncatedNormal(x) => (x.source.clone(), x.per.clone()),
            PriorTable::Beta(x) => (x.source.clone(), x.per.clone()),
            PriorTable::Lognormal(x) => (x.source.clone(), x.per.clone()),
            PriorTable::Triangular(x) => (x.source.clone(), x.per.clone()),
            PriorTable::Discrete(x) => (x.source.clone(), x.per.clone()),
        };
        PriorSpec {
            dist: t,
            source,
            per,
        }
    }
}

impl<'de> Deserialize<'de> for PriorSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PriorSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a table with `dist = \"uniform\" | \"normal\" | \"truncated_normal\" | \"beta\" | \"lognormal\" | \"triangular\" | \"discrete\" | \"fixed\"`")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<PriorSpec, E> {
                Ok(PriorSpec {
                    dist: PriorTable::Fixed(FixedT {
                        value: v,
                        source: None,
                        per: None,
                        note: String::new(),
                    }),
                    source: None,
                    per: None,
                })
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<PriorSpec, E> {
                self.visit_f64(v as f64)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<PriorSpec, E> {
                self.visit_f64(v as f64)
            }
            fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<PriorSpec, M::Error> {
                PriorTable::deserialize(de::value::MapAccessDeserializer::new(map)).map(Into::into)
            }
        }
        d.deserialize_any(V)
    }
}
