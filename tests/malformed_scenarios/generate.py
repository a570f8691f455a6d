#!/usr/bin/env python3
"""Writes the malformed scenario files of this directory from one valid base scenario.

Each file starts with `# expect: TEXT` (a fragment the error message must contain) and
`# line: N` (the line the error must point at, 0 when the error has no line). Run from this
directory: `python3 generate.py`.
"""

BASE = """[scenario]
title = "Small"
challenger = "A"
target = "B"

[[sources]]
id = "src"
title = "A source"
url = "https://example.org/a"
date = 2025-01-01

[structure]
schedule = [{ rate = 0.25, day = 0.0 }, { rate = 0.5, day = 7.0 }]
rounds = [1.0, 7.0]
challenger_types = 1
target_types = 2

[params]
stake_challenger = 2.0
stake_target = 1.0
audience_challenger = 1.0
audience_target = 0.5
audience_growth = 0.5
exports_target = 14.0
exports_challenger = 17.0
elasticity = { dist = "uniform", min = 0.5, max = 1.0, source = "src" }
importer_burden = 0.3
counter_tariff = 0.25
face_saving_discount = 0.5
face_saving_cost = 0.0
third_party_support = 0.1
discount_rate = 0.05
lambda = 3.0
prior_challenger_resolute = 0.5
prior_target_resolute = 0.4
resolve_factor_challenger = 2.0
resolve_factor_target = 2.0

[[levers]]
name = "visas"
cost_challenger = 0.05
cost_target = 0.5

[[path]]
actor = "B"
action = "Refuse"
time = 2025-01-26T03:41:00-05:00

[[interventions]]
name = "flat"
kind = "commit"
schedule = [{ rate = 0.25, day = 0.0 }]
"""


def replace(old, new):
    assert old in BASE, old
    return BASE.replace(old, new, 1)


def line_of(text, needle):
    return text[: text.index(needle)].count("\n") + 1


CASES = {
    # name: (text, expected fragment, needle whose line the error must point at or None)
    "unknown_top_level_table": (BASE + "\n[extra]\nx = 1\n", "unknown field", "[extra]"),
    "unknown_param": (replace("lambda = 3.0", "lambda = 3.0\nlambada = 2.0"), "unknown parameter", "lambada"),
    "unknown_prior_field": (replace('min = 0.5, max = 1.0, source', 'min = 0.5, max = 1.0, mode = 0.7, source'), "unknown field `mode`", "elasticity ="),
    "unknown_distribution": (replace('dist = "uniform"', 'dist = "cauchy"'), "unknown variant `cauchy`", "elasticity ="),
    "uniform_min_above_max": (replace("min = 0.5, max = 1.0", "min = 1.0, max = 0.5"), "min (1) must be below max (0.5)", "elasticity ="),
    "normal_negative_sd": (replace("lambda = 3.0", 'lambda = { dist = "normal", mean = 3.0, sd = -1.0 }'), "sd must be > 0", "lambda ="),
    "beta_zero_shape": (replace("prior_target_resolute = 0.4", 'prior_target_resolute = { dist = "beta", alpha = 0.0, beta = 2.0 }'), "alpha must be > 0", "prior_target_resolute ="),
    "probability_out_of_range": (replace("prior_target_resolute = 0.4", "prior_target_resolute = 1.4"), "admissible range [0, 1]", "prior_target_resolute ="),
    "normal_prior_on_probability": (replace("prior_target_resolute = 0.4", 'prior_target_resolute = { dist = "normal", mean = 0.4, sd = 0.1 }'), "leaves the admissible range", "prior_target_resolute ="),
    "negative_exports": (replace("exports_target = 14.0", "exports_target = -14.0"), "exports_target", "exports_target ="),
    "missing_param": (replace("lambda = 3.0\n", ""), "params.lambda: missing", "[params]"),
    "triangular_mode_outside": (replace("stake_challenger = 2.0", 'stake_challenger = { dist = "triangular", min = 1.0, mode = 5.0, max = 3.0 }'), "min <= mode <= max", "stake_challenger ="),
    "discrete_length_mismatch": (replace("stake_challenger = 2.0", 'stake_challenger = { dist = "discrete", values = [1.0, 2.0], weights = [1.0] }'), "2 values but 1 weights", "stake_challenger ="),
    "truncated_normal_no_mass": (replace("stake_challenger = 2.0", 'stake_challenger = { dist = "truncated_normal", mean = 0.0, sd = 0.01, min = 5.0, max = 6.0 }'), "holds no mass", "stake_challenger ="),
    "unknown_source": (replace('source = "src" }', 'source = "nowhere" }'), "cites source \"nowhere\"", "elasticity ="),
    "duplicate_source": (replace('[structure]', '[[sources]]\nid = "src"\ntitle = "again"\nurl = "https://example.org/b"\ndate = 2025-01-02\n\n[structure]'), "duplicate source id", '[[sources]]\nid = "src"\ntitle = "again"'),
    "source_bad_url": (replace('url = "https://example.org/a"', 'url = "example.org/a"'), "is not an http(s) URL", "[[sources]]"),
    "source_missing_date": (replace("date = 2025-01-01\n", ""), "missing field `date`", "[[sources]]"),
    "schedule_empty": (replace("schedule = [{ rate = 0.25, day = 0.0 }, { rate = 0.5, day = 7.0 }]", "schedule = []"), "structure.schedule", "[structure]"),
    "schedule_negative_rate": (replace("{ rate = 0.5, day = 7.0 }", "{ rate = -0.5, day = 7.0 }"), "schedule[1].rate", "[structure]"),
    "schedule_days_decreasing": (replace("{ rate = 0.25, day = 0.0 }, { rate = 0.5, day = 7.0 }", "{ rate = 0.25, day = 8.0 }, { rate = 0.5, day = 7.0 }"), "increasing order of day", "[structure]"),
    "too_many_rounds": (replace("rounds = [1.0, 7.0]", "rounds = [" + ", ".join(["7.0"] * 17) + "]"), "needs 1 to 16 rounds", "[structure]"),
    "schedule_step_unreachable": (replace("{ rate = 0.5, day = 7.0 }", "{ rate = 0.5, day = 9.0 }"), "can never be levied", "[structure]"),
    "schedule_coverage_above_one": (replace("{ rate = 0.5, day = 7.0 }", "{ rate = 0.5, day = 7.0, coverage = 1.5 }"), "schedule[1].coverage", "[structure]"),
    "imposition_opening_late_step": (replace("rounds = [1.0, 7.0]", 'rounds = [1.0, 7.0]\nopening = "imposition"').replace("{ rate = 0.25, day = 0.0 }, { rate = 0.5", "{ rate = 0.25, day = 0.5 }, { rate = 0.5"), "levies the first step on day 0", "[structure]"),
    "counter_tariff_with_counter_schedule": (replace("rounds = [1.0, 7.0]", "rounds = [1.0, 7.0]\ncounter_schedule = [{ rate = 0.25 }, { rate = 0.5 }]"), "leave counter_tariff out", "counter_tariff ="),
    "relative_prior_on_a_probability": (replace("prior_target_resolute = 0.4", 'prior_target_resolute = { dist = "uniform", min = 0.1, max = 0.5, per = "exports_target" }'), "only a money parameter", "prior_target_resolute ="),
    "relative_prior_unknown_base": (replace("stake_target = 1.0", 'stake_target = { dist = "uniform", min = 0.01, max = 0.1, per = "gdp_target" }'), "is not another money parameter", "stake_target ="),
    "relative_prior_chained": (replace("stake_target = 1.0", 'stake_target = { dist = "uniform", min = 0.01, max = 0.1, per = "stake_challenger" }').replace("stake_challenger = 2.0", 'stake_challenger = { dist = "fixed", value = 0.1, per = "exports_target" }'), "do not chain", "stake_target ="),
    "payoff_unit_not_money": (replace("rounds = [1.0, 7.0]", 'rounds = [1.0, 7.0]\npayoff_unit = "lambda"'), "is not a money parameter", 'payoff_unit = "lambda"'),
    "path_dated_backwards": (BASE + '\n[[path]]\nactor = "A"\naction = "Threaten"\ntime = 2025-01-26T01:00:00-05:00\n', "run forward in time", '[[path]]\nactor = "A"\naction = "Threaten"'),
    "path_move_outside_its_round": (BASE + '\n[[path]]\nactor = "A"\naction = "Threaten"\ntime = 2025-01-26T13:30:00-05:00\n\n[[path]]\nactor = "B"\naction = "Retaliate"\ntime = 2025-01-28T13:30:00-05:00\n', "outside round 0", '[[path]]\nactor = "B"\naction = "Retaliate"'),
    "path_threat_opening_without_threat": (replace("rounds = [1.0, 7.0]", 'rounds = [1.0, 7.0]\nopening = "threat"'), "starts the path with A's Threaten", "[[path]]"),
    "observed_until_after_the_end": (replace('description', 'observed_until = 2025-03-01\ndescription') if 'description' in BASE else replace('target = "B"', 'target = "B"\nobserved_until = 2025-03-01') + '\n[[path]]\nactor = "A"\naction = "Threaten"\ntime = 2025-01-26T13:30:00-05:00\n\n[[path]]\nactor = "B"\naction = "Concede"\ntime = 2025-01-26T15:30:00-05:00\n', "leave observed_until out", "observed_until ="),
    "three_types": (replace("target_types = 2", "target_types = 3"), "3 is not 1 or 2", "[structure]"),
    "rate_is_text": (replace("{ rate = 0.5, day = 7.0 }", '{ rate = "fifty", day = 7.0 }'), "invalid type", 'rate = "fifty"'),
    "same_player_twice": (replace('target = "B"', 'target = "A"'), "need two distinct", None),
    "path_wrong_actor": (replace('actor = "B"\naction = "Refuse"', 'actor = "A"\naction = "Refuse"'), "it is B's move here", "[[path]]"),
    "path_unknown_action": (replace('action = "Refuse"', 'action = "Sulk"'), "unknown action \"Sulk\"", "[[path]]"),
    "path_unavailable_action": (BASE + '\n[[path]]\nactor = "A"\naction = "Impose"\ntime = 2025-01-26T13:30:00-05:00\n', "Impose is not available", '[[path]]\nactor = "A"\naction = "Impose"'),
    "path_bad_time": (replace("time = 2025-01-26T03:41:00-05:00", 'time = "early"'), "invalid type", 'time = "early"'),
    "intervention_unknown_param": (BASE + '\n[[interventions]]\nname = "x"\nkind = "commit"\nset = { lamda = 2.0 }\n', "unknown parameter", "lamda"),
    "intervention_duplicate_name": (BASE + '\n[[interventions]]\nname = "flat"\n', "empty or repeated", '[[interventions]]\nname = "flat"\n\n'[0:0] + 'name = "flat"\n' if False else None),
    "intervention_force_unavailable": (BASE + '\n[[interventions]]\nname = "x"\nkind = "commit"\nforce = [{ at = "Refuse", action = "Escalate" }]\n', "Escalate", '[[interventions]]\nname = "x"'),
    "intervention_unknown_lever": (BASE + '\n[[interventions]]\nname = "x"\nkind = "commit"\nlevers = { tanks = false }\n', "no lever of that name", '[[interventions]]\nname = "x"'),
    "intervention_forbid_everything": (BASE + '\n[[interventions]]\nname = "x"\nkind = "commit"\nforbid = [{ actor = "B", actions = ["Accept", "Refuse"] }]\n', "removes every action", '[[interventions]]\nname = "x"'),
    "intervention_kind_missing": (BASE + '\n[[interventions]]\nname = "x"\nforbid = [{ actor = "B", actions = ["Refuse"] }]\n', "interventions.x.kind: missing", '[[interventions]]\nname = "x"'),
    "intervention_kind_unknown": (BASE + '\n[[interventions]]\nname = "x"\nkind = "imagine"\n', "unknown kind \"imagine\"", 'kind = "imagine"'),
    "intervention_deviate_unknown_move": (BASE + '\n[[interventions]]\nname = "x"\nkind = "deviate"\nforbid = [{ actor = "B", after = "Refuse/Threaten", actions = ["Surrender"] }]\n', "matches no decision", '[[interventions]]\nname = "x"'),
    "intervention_deviate_unavailable": (BASE + '\n[[interventions]]\nname = "x"\nkind = "deviate"\nforce = [{ at = "Refuse", action = "Escalate" }]\n', "Escalate", '[[interventions]]\nname = "x"'),
    "intervention_type_unknown_type": (BASE + '\n[[interventions]]\nname = "x"\nkind = "type"\nactor = "B"\ntype = "stubborn"\n', "unknown type \"stubborn\"", 'type = "stubborn"'),
    "intervention_type_one_type": (BASE + '\n[[interventions]]\nname = "x"\nkind = "type"\nactor = "A"\ntype = "resolute"\n', "has one type", 'type = "resolute"'),
    "lever_negative_cost": (replace("cost_target = 0.5", "cost_target = -0.5"), "levers.visas.cost_target", "cost_target = -0.5"),
    "not_toml": ("[scenario\ntitle = 1\n", "", "[scenario"),
}

for name, (text, expect, needle) in CASES.items():
    if name == "intervention_duplicate_name":
        line = text.rindex("[[interventions]]")
        line = text[:line].count("\n") + 1
    else:
        line = line_of(text, needle) if needle else 0
    with open(f"{name}.toml", "w") as f:
        f.write(f"# expect: {expect}\n# line: {line + 2 if line else 0}\n{text}")
with open("valid_base.toml", "w") as f:
    f.write("# expect: ok\n# line: 0\n" + BASE)
print(len(CASES), "files")
