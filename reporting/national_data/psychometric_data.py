"""Knowledge-test responses and simulated-practice marks for the national dataset, drawn from
models with faults planted on purpose, so the technical report's statistics have something
real to find (and tests can check that they find exactly that):

- A test form per level (`FORM_CODE`, 30 questions made here), with responses from the
  two-parameter logistic model of `assessment.psychometrics.simulation.simulate_item_responses`.
  Question `DIF_ITEM_POSITION` of every form is `DIF_LOGITS` harder for `DIF_FOCAL_GROUP`
  candidates than for others of equal ability (Mantel–Haenszel class C at the national size);
  every other question behaves. Candidates of the focal group are also a little less able on
  average (`FOCAL_MEAN`), as in the pilot, which matching on the total score allows for.
- Every first attempt that was sat is first-marked; `SECOND_MARKED_SHARE` of them are second-
  marked by a different assessor. Of the `ASSESSOR_COUNT` seeded assessors, `LENIENT_ASSESSOR`
  marks `PLANTED_BIAS` higher and `HARSH_ASSESSOR` `PLANTED_BIAS` lower than the others.

Responses are stored as chosen options whose scores (through `assessment.scoring`, the same
scorer the results import uses) are the simulated ones. The draws here use their own
generators, so the rows seeding.py made before are the same as they always were.
"""

import hashlib
from collections import defaultdict
from datetime import timedelta
from itertools import combinations

import numpy as np

from assessment.models import (
    OPTION_LETTERS,
    Allocation,
    AreaMark,
    FormSection,
    Item,
    ItemFormat,
    MarkerRole,
    MultiSelectScoring,
    OutcomeResult,
    ResultsImport,
    Scenario,
    TestAreaScore,
    TestForm,
    TestFormItem,
    TestResponse,
    TestResult,
)
from assessment.psychometrics.simulation import FOCAL, simulate_item_responses
from assessment.scoring import TestScorer, to_decimal
from naas.models import EthnicityGroup, Level, Role, StaffRole, User

from .population import BATCH, DOMAIN

STREAM = 14
"""Mixed into the seed, so these draws are independent of seeding.py's."""
LEVEL_PREFIX = {Level.PRACTITIONER: "P", Level.SUPERVISOR: "S", Level.LEADER: "L"}
ITEM_PREFIX = "NAT-"
FORM_CODE = "NAT-{prefix}-FORM"
SCENARIO_CODE = "NAT-SC-{prefix}"
GENERAL_ITEMS, APPLIED_ITEMS = 18, 12
THREE_OF_EIGHT_EVERY = 4
"""Every fourth question is "choose 3 of 8"; the rest "choose 1 of 4"."""
DIF_ITEM_POSITION = 7
"""The question (1-based position on every form) that functions differently."""
DIF_FOCAL_GROUP = EthnicityGroup.BLACK
DIF_LOGITS = 1.5
FOCAL_MEAN = -0.25
DIFFICULTY_RANGE = (-1.5, 1.2)
DISCRIMINATION_RANGE = (0.8, 1.4)

ASSESSOR_COUNT = 12
ASSESSOR_EMAIL = "assessor{n:02d}@" + DOMAIN
LENIENT_ASSESSOR = ASSESSOR_EMAIL.format(n=3)
HARSH_ASSESSOR = ASSESSOR_EMAIL.format(n=8)
PLANTED_BIAS = 0.6
"""Marks on the 1–4 scale: the lenient assessor's are this much higher, the harsh one's lower."""
SECOND_MARKED_SHARE = 0.3
MARK_NOISE_SD = 0.5
QUALITY = {OutcomeResult.MET: 3.0, OutcomeResult.NOT_MET: 1.8}
"""An area's typical true quality by its result; an area with no result yet: `UNKNOWN_QUALITY`."""
UNKNOWN_QUALITY = 2.6
RESULTS_OFFICER_EMAIL = f"results.officer@{DOMAIN}"
EVIDENCE_NOTE = "Seeded marks (made-up data)."
OUTCOME_RANK = {OutcomeResult.NOT_MET: 0, OutcomeResult.PARTIALLY_MET: 1, OutcomeResult.MET: 2}


def staff_emails() -> list[str]:
    """Every staff account made here (removal uses it)."""
    return [RESULTS_OFFICER_EMAIL] + [ASSESSOR_EMAIL.format(n=n + 1) for n in range(ASSESSOR_COUNT)]


def seed_psychometrics(*, attempts, area_rows, areas, frameworks, password, seed_value: int) -> int:
    """Results and marks for every first attempt that was sat; returns how many results."""
    sat = [a for a in attempts if a.sat_at is not None and a.parent_id is None]
    if not sat:
        return 0
    rng = np.random.default_rng([seed_value, STREAM])
    officer, assessors = _staff(password)
    area_results = _area_results_by_attempt(area_rows)
    forms = {level: _form(level, frameworks[level], areas[level], rng) for level in frameworks}
    imports = _imports(sat, officer)
    for index, (level, (form, items)) in enumerate(sorted(forms.items())):
        candidates = [a for a in sat if a.level == level]
        if candidates:
            answers = _answers(candidates, items, area_results, seed_value + index, rng)
            _store_results(candidates, form, items, answers, imports)
    _store_marks(sat, areas, area_results, assessors, officer, rng)
    return len(sat)


def _staff(password) -> tuple[User, list[User]]:
    users = _insert(
        User, [User(email=e, full_name=_name(e), password=password) for e in staff_emails()]
    )
    _insert(StaffRole, [StaffRole(user=u, role=Role.ASSESSOR) for u in users[1:]])
    return users[0], users[1:]


def _name(email: str) -> str:
    if email == RESULTS_OFFICER_EMAIL:
        return "Results officer (seeded)"
    return f"Assessor {email.split('@')[0].removeprefix('assessor')} (seeded)"


def _area_results_by_attempt(area_rows) -> dict[int, list[str]]:
    """First attempts' per-area results, in area order."""
    return {
        outcome.attempt_id: per_area
        for outcome, _areas, per_area, retaken in area_rows
        if retaken is None
    }


# --- The item bank: one scenario and one 30-question form per level -----------------------


def _form(level, framework, level_areas, rng) -> tuple[TestForm, list[Item]]:
    prefix = LEVEL_PREFIX[level]
    scenario = Scenario.objects.create(
        code=SCENARIO_CODE.format(prefix=prefix),
        title="A family known to services (seeded)",
        text="Made by seed_national for benchmarks and demos.",
        level=level,
    )
    items = _insert(
        Item,
        [
            _item(prefix, position, level_areas, scenario, rng)
            for position in range(1, GENERAL_ITEMS + APPLIED_ITEMS + 1)
        ],
    )
    form = TestForm.objects.create(
        code=FORM_CODE.format(prefix=prefix),
        title=f"{Level(level).label}: knowledge test (seeded)",
        level=level,
        framework=framework,
        scenario=scenario,
        three_of_eight_scoring=MultiSelectScoring.EXACT,
    )
    _insert(
        TestFormItem,
        [
            TestFormItem(
                form=form,
                item=item,
                section=FormSection.GENERAL if n <= GENERAL_ITEMS else FormSection.APPLIED,
                position=n,
            )
            for n, item in enumerate(items, start=1)
        ],
    )
    return form, items


def _item(prefix, position, level_areas, scenario, rng) -> Item:
    three_of_eight = position % THREE_OF_EIGHT_EVERY == 0
    item_format = ItemFormat.THREE_OF_EIGHT if three_of_eight else ItemFormat.ONE_OF_FOUR
    option_count, correct_count = (8, 3) if three_of_eight else (4, 1)
    letters = OPTION_LETTERS[:option_count]
    key = "".join(sorted(rng.choice(list(letters), size=correct_count, replace=False)))
    area = level_areas[(position - 1) % len(level_areas)]
    return Item(
        code=f"{ITEM_PREFIX}{prefix}-{position:02d}",
        area=area,
        scenario=scenario if position > GENERAL_ITEMS else None,
        format=item_format,
        stem=f"Question {position} on “{area.title}” (seeded).",
        options=[f"Option {letter}" for letter in letters],
        correct_options=key,
    )


# --- Responses ----------------------------------------------------------------------------


def _answers(candidates, items, area_results, sim_seed, rng) -> list[dict[int, str]]:
    """Each candidate's chosen options, from a simulated 0/1 row of their group."""
    focal = np.array([a.worker.ethnicity_group == DIF_FOCAL_GROUP for a in candidates])
    rows = _simulated_rows(focal, len(items), sim_seed, candidates, area_results, rng)
    wrong = [_wrong_answers(item) for item in items]
    answers = []
    for row in rows:
        picks = rng.integers(0, 1 << 30, len(items))
        answers.append(
            {
                item.id: item.correct_options if right else wrong[i][picks[i] % len(wrong[i])]
                for i, (item, right) in enumerate(zip(items, row, strict=True))
            }
        )
    return answers


def _simulated_rows(focal, n_items, sim_seed, candidates, area_results, rng) -> np.ndarray:
    """A simulated response row per candidate, from the simulation's rows of their own group;
    within a group the abler simulated rows go to the candidates whose outcome was better,
    so test scores and outcomes agree (which row goes to whom cannot change any DIF)."""
    n_focal, n_other = int(focal.sum()), int((~focal).sum())
    size = 3 * max(n_focal, n_other) + 200  # room to draw enough rows of each group
    test = simulate_item_responses(
        size,
        n_items,
        seed=sim_seed,
        focal_share=min(max(n_focal / len(focal), 0.05), 0.95),
        focal_mean=FOCAL_MEAN,
        difficulty_range=DIFFICULTY_RANGE,
        discrimination_range=DISCRIMINATION_RANGE,
        dif={DIF_ITEM_POSITION - 1: DIF_LOGITS},
    )
    rows = np.zeros((len(focal), n_items), dtype=int)
    standing = np.array([_standing(a, area_results) for a in candidates])
    standing = standing + rng.normal(0.0, 0.7, len(candidates))
    for in_focal in (True, False):
        who = np.flatnonzero(focal == in_focal)
        pool = np.flatnonzero((test.groups == FOCAL) == in_focal)[: who.size]
        if pool.size < who.size:
            raise RuntimeError("the simulation gave too few rows of a group")
        ordered_pool = pool[np.argsort(test.abilities[pool])]
        rows[who[np.argsort(standing[who])]] = test.scores[ordered_pool]
    return rows


def _standing(attempt, area_results) -> float:
    results = area_results.get(attempt.pk)
    if results is None:
        return 1.0
    return sum(OUTCOME_RANK.get(r, 1) for r in results) / len(results)


def _wrong_answers(item: Item) -> list[str]:
    """Every answer of the right shape that scores nothing (exact scoring)."""
    option_count = 8 if item.format == ItemFormat.THREE_OF_EIGHT else 4
    size = len(item.correct_options)
    return [
        "".join(c)
        for c in combinations(OPTION_LETTERS[:option_count], size)
        if "".join(c) != item.correct_options
    ]


def _imports(sat, officer) -> dict[int, ResultsImport]:
    """One results file per sitting."""
    by_sitting = defaultdict(int)
    for attempt in sat:
        by_sitting[attempt.sitting_id] += 1
    created = _insert(
        ResultsImport,
        [
            ResultsImport(
                sitting_id=sitting_id,
                uploaded_by=officer,
                file_name=f"seeded-results-{sitting_id}.csv",
                file_sha256=hashlib.sha256(f"seeded {sitting_id}".encode()).hexdigest(),
                row_count=count * (GENERAL_ITEMS + APPLIED_ITEMS),
                candidates_recorded=count,
                candidates_unchanged=0,
            )
            for sitting_id, count in sorted(by_sitting.items())
        ],
    )
    return {row.sitting_id: row for row in created}


def _store_results(candidates, form, items, answers, imports) -> None:
    scorer = TestScorer()
    results, scored = [], []
    for attempt, chosen in zip(candidates, answers, strict=True):
        test = scorer.score(items=items, answers=chosen, three_of_eight=form.three_of_eight_scoring)
        digest = hashlib.sha256(
            "".join(f"{item.code}={chosen[item.id]};" for item in items).encode()
        ).hexdigest()
        results.append(
            TestResult(
                attempt=attempt,
                test_form=form,
                results_import=imports[attempt.sitting_id],
                raw_score=to_decimal(test.raw_score),
                max_score=to_decimal(test.max_score),
                answers_digest=digest,
            )
        )
        scored.append((chosen, test))
    results = _insert(TestResult, results)
    responses, area_scores = [], []
    for result, (chosen, test) in zip(results, scored, strict=True):
        responses += [
            TestResponse(
                result=result,
                item=item,
                chosen=chosen[item.id],
                marks=scorer.item_decimal(test.item_marks[item.id]),
            )
            for item in items
        ]
        area_scores += [
            TestAreaScore(
                result=result,
                area_id=area_id,
                marks=to_decimal(total.marks),
                max_marks=to_decimal(total.max_marks),
                percent=total.percent,
                item_count=total.item_count,
            )
            for area_id, total in test.areas.items()
        ]
    _insert(TestResponse, responses)
    _insert(TestAreaScore, area_scores)


# --- Marks: first marking, a second-marked sample, one lenient and one harsh assessor --------


def _store_marks(sat, areas, area_results, assessors, officer, rng) -> None:
    plans, sampled = _mark_plans(sat, areas, area_results, assessors, rng)
    allocations = _insert(
        Allocation,
        [
            Allocation(
                attempt=attempt,
                assessor=assessor,
                role=role,
                allocated_by=officer,
                submitted_at=attempt.sat_at + timedelta(days=7),
            )
            for attempt, assessor, role, *_ in plans
        ],
    )
    judged = _has_field(AreaMark, "global_judgement")  # added by issue 14's migration
    rows = []
    for allocation, (*_, level_areas, marks) in zip(allocations, plans, strict=True):
        for area, area_marks in zip(level_areas, marks, strict=True):
            row = AreaMark(
                allocation=allocation,
                area=area,
                evidence_note=EVIDENCE_NOTE,
                **dict(zip(AreaMark.TASK_FIELDS, map(int, area_marks), strict=True)),
            )
            if judged:
                row.global_judgement = _judgement(area_marks.mean())
            rows.append(row)
    _insert(AreaMark, rows)
    for start in range(0, len(sampled), BATCH):
        type(sat[0]).objects.bulk_update(sampled[start : start + BATCH], ["second_marking"])


def _mark_plans(sat, areas, area_results, assessors, rng) -> tuple[list, list]:
    """(attempt, assessor, role, areas, areas × tasks marks) per allocation, and the attempts
    second-marked. Marks are ``clip(round(q + bias + ε), 1, 4)`` as in
    `simulate_double_marking`, but one pair of assessors marks every area and task of an
    attempt (that simulation draws a new pair for every task), and q follows the area's
    result."""
    bias = np.zeros(len(assessors))
    emails = [a.email for a in assessors]
    bias[emails.index(LENIENT_ASSESSOR)] = PLANTED_BIAS
    bias[emails.index(HARSH_ASSESSOR)] = -PLANTED_BIAS
    plans, sampled = [], []
    for attempt in sat:
        level_areas = areas[attempt.level]
        quality = _quality(attempt, level_areas, area_results, rng)
        pair = rng.choice(len(assessors), size=2, replace=False)
        markers = pair if rng.random() < SECOND_MARKED_SHARE else pair[:1]
        if len(markers) == 2:
            attempt.second_marking = "sample"
            sampled.append(attempt)
        for role, who in zip((MarkerRole.FIRST, MarkerRole.SECOND), markers, strict=False):
            noise = rng.normal(0, MARK_NOISE_SD, quality.shape)
            marks = np.clip(np.rint(quality + bias[who] + noise), 1, 4).astype(int)
            plans.append((attempt, assessors[who], role, level_areas, marks))
    return plans, sampled


def _quality(attempt, level_areas, area_results, rng) -> np.ndarray:
    """areas × tasks true quality: the area's result, the candidate, the area and the task."""
    results = area_results.get(attempt.pk) or [None] * len(level_areas)
    base = np.array([QUALITY.get(r, UNKNOWN_QUALITY) for r in results])
    candidate = rng.normal(0, 0.3)
    per_area = rng.normal(0, 0.3, len(level_areas))
    per_task = rng.normal(0, 0.3, (len(level_areas), len(AreaMark.TASK_FIELDS)))
    return (base + candidate + per_area)[:, None] + per_task


def _judgement(mean_mark: float) -> int:
    """The marker's overall view, from their own marks: not met, borderline, met, exceeds."""
    return int(np.searchsorted([1.75, 2.5, 3.4], mean_mark, side="right"))


def _has_field(model, name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


def _insert(model, objects: list) -> list:
    created = []
    for start in range(0, len(objects), BATCH):
        created += model.objects.bulk_create(objects[start : start + BATCH])
    return created
