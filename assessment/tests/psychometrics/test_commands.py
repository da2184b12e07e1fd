"""psychometrics_export and psychometrics_report: the exported files recomputed independently
(textbook formulas, statsmodels) agree with the report, and nobody can be identified."""

import csv
import io
import json
import re
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from statsmodels.stats.inter_rater import cohens_kappa

from assessment.psychometrics import dif
from assessment.psychometrics.simulation import FOCAL, simulate_item_responses
from assessment.selectors import psychometrics as reads
from assessment.selectors.psychometric_figures import (
    fairness_figures,
    form_figures,
    reference_and_focal_groups,
    technical_report_figures,
)
from naas.models import Level, SocialWorker

from ..factories import independent_assessor, make_test_form, sat_attempt
from .test_reads import double_marked, sit_form, workers

pytestmark = pytest.mark.django_db


def wrong_answers(count, *, seed=14):
    """Per candidate, the question positions they get wrong: stronger candidates (later
    rows) miss fewer, so items discriminate and the totals vary."""
    rng = np.random.default_rng(seed)
    return [
        tuple(int(p) for p in np.flatnonzero(rng.random(30) < 0.7 - 0.6 * i / count) + 1)
        for i in range(count)
    ]


@pytest.fixture
def cohort(admin_user, settings):
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 100
    form = make_test_form(Level.PRACTITIONER, actor=admin_user)
    people = workers(8)
    sit_form(form, people, admin=admin_user, wrong=wrong_answers(8))
    double_marked(admin=admin_user, first=(3, 3, 2, 4), second=(3, 2, 2, 3))
    double_marked(admin=admin_user, first=(1, 2, 3, 4), second=(2, 2, 4, 4))
    double_marked(admin=admin_user, first=(4, 4, 1, 2), second=(3, 4, 1, 1))
    return form, people


def export(tmp_path, *args) -> dict[str, list[dict]]:
    call_command("psychometrics_export", "--out", str(tmp_path), *args, stdout=io.StringIO())
    return {
        name: list(csv.DictReader(io.StringIO((tmp_path / name).read_text("utf-8-sig"))))
        for name in ("item_responses.csv", "double_marks.csv", "groups.csv")
    }


def report(*args) -> dict:
    out = io.StringIO()
    call_command("psychometrics_report", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def kr20(rows):
    """KR-20 by the textbook formula from item_responses.csv rows of one form."""
    candidates = sorted({r["candidate"] for r in rows})
    item_codes = sorted({r["item"] for r in rows})
    x = np.zeros((len(candidates), len(item_codes)))
    for r in rows:
        x[candidates.index(r["candidate"]), item_codes.index(r["item"])] = float(r["score"])
    k = x.shape[1]
    p = x.mean(axis=0)
    return k / (k - 1) * (1 - (p * (1 - p)).sum() / x.sum(axis=1).var())


def test_the_exported_files_have_exactly_the_agreed_columns(cohort, tmp_path):
    files = export(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "double_marks.csv",
        "groups.csv",
        "item_responses.csv",
    ]  # no temporary file left behind
    assert list(files["item_responses.csv"][0]) == ["candidate", "test_form", "item", "score"]
    assert list(files["double_marks.csv"][0]) == [
        "attempt",
        "area",
        "task",
        "first_mark",
        "second_mark",
    ]
    assert list(files["groups.csv"][0]) == [
        "candidate",
        "ethnicity_group",
        "age_band",
        "sex",
        "disability",
    ]
    assert len(files["item_responses.csv"]) == 8 * 30
    assert len(files["double_marks.csv"]) == 3 * 10 * 4


def test_kr20_recomputed_from_the_export_matches_the_report(cohort, tmp_path):
    form, _ = cohort
    files = export(tmp_path)
    rows = [r for r in files["item_responses.csv"] if r["test_form"] == form.code]
    figures = report()["forms"][form.code]
    assert figures["n"] == 8
    assert figures["reliability"] == pytest.approx(kr20(rows), abs=1e-9)
    totals = defaultdict(float)
    for r in rows:
        totals[r["candidate"]] += float(r["score"])
    sd = np.std(list(totals.values()), ddof=1)
    assert figures["sem"] == pytest.approx(sd * np.sqrt(1 - kr20(rows)), abs=1e-9)


def test_facility_recomputed_from_the_export_matches_the_report(cohort, tmp_path):
    form, _ = cohort
    rows = [r for r in export(tmp_path)["item_responses.csv"] if r["test_form"] == form.code]
    items = report()["forms"][form.code]["items"]
    for code, figures in items.items():
        scores = [float(r["score"]) for r in rows if r["item"] == code]
        assert figures["facility"] == pytest.approx(np.mean(scores), abs=1e-12)


def test_weighted_kappa_recomputed_from_the_export_matches_the_report(cohort, tmp_path):
    files = export(tmp_path)
    agreement = report()["agreement"]
    assert sorted(agreement, key=int) == [str(n) for n in range(1, 11)]
    for area, figures in agreement.items():
        table = np.zeros((4, 4))
        pairs = [r for r in files["double_marks.csv"] if r["area"] == area]
        for r in pairs:
            table[int(r["first_mark"]) - 1, int(r["second_mark"]) - 1] += 1
        expected = cohens_kappa(table, wt="quadratic").kappa
        assert figures["weighted_kappa"] == pytest.approx(expected, abs=1e-9)
        exact = np.mean([r["first_mark"] == r["second_mark"] for r in pairs])
        assert figures["exact"] == pytest.approx(exact)


def test_the_files_name_nobody(cohort, tmp_path):
    _, people = cohort
    files = export(tmp_path)
    text = "\n".join(p.read_text("utf-8-sig") for p in tmp_path.iterdir())
    ids = {r["candidate"] for name in ("item_responses.csv", "groups.csv") for r in files[name]}
    ids |= {r["attempt"] for r in files["double_marks.csv"]}
    assert all(re.fullmatch(r"[0-9a-f]{12}", value) for value in ids)
    for worker in SocialWorker.objects.select_related("user"):
        assert worker.registration_number not in text
        assert worker.user.email not in text
        assert worker.user.full_name not in text
        assert str(worker.pk) not in ids
    assert reads.pseudonym(people[0].pk) in ids


def test_too_few_candidates_give_nulls_not_errors(admin_user, tmp_path):
    form = make_test_form(Level.PRACTITIONER, actor=admin_user)
    sit_form(form, workers(1), admin=admin_user)
    figures = report()
    assert figures["forms"][form.code]["n"] == 1
    assert figures["forms"][form.code]["reliability"] is None
    assert figures["forms"][form.code]["items"] == {}
    assert figures["agreement"] == {}
    assert len(export(tmp_path)["item_responses.csv"]) == 30


def test_small_groups_are_too_few_for_dif_and_their_deltas_are_null(cohort):
    form, _ = cohort
    items = report()["forms"][form.code]["items"]
    assert all(value is None for item in items.values() for value in item["mh_delta"].values())
    assert set(next(iter(items.values()))["mh_delta"]) == set(reads.GROUPINGS)


def test_few_double_marks_give_a_too_few_status(admin_user, settings):
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 100
    double_marked(admin=admin_user)  # 4 pairs per area, 10 needed
    figures = technical_report_figures()
    assert {a.status for a in figures.agreement} == {"too_few"}
    assert all(a.weighted_kappa is None for a in figures.agreement)
    assert {s.status for s in figures.stringency} == {"too_few"}


def test_the_full_figures_are_json(cohort):
    figures = technical_report_figures()
    data = json.loads(json.dumps(figures.to_json()))
    assert [f["code"] for f in data["forms"]] == [cohort[0].code]
    assert {f["grouping"] for f in data["fairness"]} == set(reads.GROUPINGS)
    assert len(data["forms"][0]["items"][0]["options"]) in (4, 8)


def test_the_window_narrows_the_report(cohort, frozen_today):
    form, _ = cohort
    assert form.code in report("--window-end", frozen_today.isoformat())["forms"]
    later = report("--window-start", "2099-01-01")
    assert later == {"forms": {}, "agreement": {}}


@pytest.mark.parametrize(
    "args, message",
    [
        (["--window-start", "30/04/2026"], "--window-start must be a date like"),
        (["--window-end", "2026-02-30"], "--window-end must be a date like"),
        (["--window-start", "2026-05-01", "--window-end", "2026-04-01"], "on or before"),
    ],
)
def test_a_bad_date_is_refused_clearly(db, args, message):
    with pytest.raises(CommandError, match=message):
        report(*args)


def test_the_export_needs_an_existing_directory(db, tmp_path):
    with pytest.raises(CommandError, match="existing directory"):
        call_command("psychometrics_export", "--out", str(tmp_path / "missing"))


def test_the_report_takes_the_same_queries_at_any_size(
    admin_user, settings, django_assert_max_num_queries
):
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 100
    form = make_test_form(Level.PRACTITIONER, actor=admin_user)
    sit_form(form, workers(2), admin=admin_user, wrong=[(1,), ()])
    double_marked(admin=admin_user)
    with django_assert_max_num_queries(10) as small:
        technical_report_figures()
    sit_form(form, workers(4), admin=admin_user, wrong=wrong_answers(4))
    double_marked(admin=admin_user)
    sat_attempt(admin=admin_user)
    with django_assert_max_num_queries(10) as large:
        technical_report_figures()
    assert len(small.captured_queries) == len(large.captured_queries)


def test_the_export_is_written_whole_or_not_at_all(cohort, tmp_path, monkeypatch):
    (tmp_path / "groups.csv").write_text("old", "utf-8")

    def fail(file, rows):
        file.write("partial")
        raise RuntimeError("disk full")

    monkeypatch.setattr("assessment.management.commands.psychometrics_export.write_rows", fail)
    with pytest.raises(RuntimeError):
        call_command("psychometrics_export", "--out", str(tmp_path), stdout=io.StringIO())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["groups.csv"]
    assert Path(tmp_path / "groups.csv").read_text("utf-8") == "old"


# --- The figures' own decisions, on simulated data ----------------------------------------


def simulated_form(groups_of_focal, *, n=600, dif_items=None, seed=3):
    test = simulate_item_responses(n, 12, seed=seed, focal_share=0.4, dif=dif_items or {})
    focal = test.groups == FOCAL
    rng = np.random.default_rng(seed)
    labels = np.where(focal, groups_of_focal[0], groups_of_focal[1]).astype(object)
    labels[rng.random(n) < 0.05] = reads.NOT_KNOWN
    constant = np.full(n, "no", dtype=object)
    groups = reads.EqualityGroups(
        tuple(f"c{i}" for i in range(n)),
        {"ethnicity_group": labels, "age_band": constant, "sex": constant, "disability": constant},
    )
    items = tuple(reads.FormItem(i, f"Q{i}", "1of4", 1, i + 1, 1.0, "B", 4) for i in range(12))
    return reads.ItemScoreMatrix(
        1, "SIM", items, groups.candidates, test.scores.astype(float), (), groups
    )


def test_dif_compares_each_group_with_the_largest_and_skips_not_known():
    matrix = simulated_form(("black", "white"), dif_items={2: 1.5})
    form = form_figures(matrix)
    comparisons = {(d.reference, d.focal) for item in form.items for d in item.dif}
    assert comparisons == {("white", "black")}
    direct = dif.mantel_haenszel_dif(
        matrix.scores,
        2,
        matrix.groups.by_grouping["ethnicity_group"],
        reference="white",
        focal="black",
    )
    assert form.items[2].largest_delta("ethnicity_group") == pytest.approx(direct.delta)
    assert form.items[2].dif[0].category == direct.category
    # one group only: nothing to compare, so no delta
    assert form.items[2].largest_delta("sex") is None


def test_the_reference_group_is_the_largest_one_that_names_a_group():
    labels = np.array(["asian"] * 3 + ["white"] * 5 + [reads.NOT_KNOWN] * 9 + ["black"] * 2)
    assert reference_and_focal_groups(labels) == ("white", ["asian", "black"])
    assert reference_and_focal_groups(np.array(["white", reads.NOT_KNOWN])) == (None, [])


def test_stringency_counts_one_difference_per_attempt_and_task(admin_user, settings):
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 100
    lenient, harsh = independent_assessor(), independent_assessor()
    for _ in range(3):
        double_marked(
            admin=admin_user,
            first=(4, 4, 4, 4),
            second=(3, 3, 3, 3),
            first_assessor=lenient,
            second_assessor=harsh,
        )
    figures = technical_report_figures()
    # 3 attempts x 4 tasks, not x 10 areas as well (the areas of one task are not independent)
    by_id = {s.assessor_id: s for s in figures.stringency}
    assert by_id[lenient.pk].n_pairs == by_id[harsh.pk].n_pairs == 3 * 4
    assert by_id[lenient.pk].mean_difference == pytest.approx(1.0)
    assert by_id[harsh.pk].mean_difference == pytest.approx(-1.0)
    assert by_id[lenient.pk].name == lenient.full_name


def test_fairness_gives_rates_by_group_and_suppresses_small_ones():
    groups = np.array(["female"] * 40 + ["male"] * 30 + [reads.NOT_KNOWN] * 3, dtype=object)
    results = np.array(
        ["met"] * 30 + ["not_met"] * 10 + ["met"] * 15 + ["partially_met"] * 15 + ["met"] * 3,
        dtype=object,
    )
    constant = np.full(groups.size, "no", dtype=object)
    outcomes = reads.PublishedOutcomes(
        tuple(f"c{i}" for i in range(groups.size)),
        results,
        reads.EqualityGroups(
            (),
            {
                "ethnicity_group": constant,
                "age_band": constant,
                "sex": groups,
                "disability": constant,
            },
        ),
    )
    sex = next(f for f in fairness_figures(outcomes) if f.grouping == "sex")
    by_group = {g["group"]: g for g in sex.groups}
    assert by_group["female"]["rate"] == pytest.approx(0.75)
    assert by_group["male"]["impact_ratio"] == pytest.approx(0.5 / 0.75)
    assert by_group["male"]["adverse_impact"] is True
    assert by_group[reads.NOT_KNOWN]["suppressed"] is True


def test_no_published_outcomes_is_a_status_not_an_error(db):
    assert {f.status for f in technical_report_figures().fairness} == {"too_few"}
