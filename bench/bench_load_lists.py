"""The people lists under load, against the floor: the LA lead's staff list of the largest LA,
its supervisor's supervisees, and one of its workers' results page.

    .venv/bin/python bench/bench_load_lists.py [--workers 30000] [--seconds 10] [--page staff]

Uses (or first seeds) the national data in DATABASE_URL (default the naas_bench database). The
LA with the most social workers (337 at 30,000 workers) gets a bench LA lead for the run (the
role is removed afterwards, so seed_national --reset still works); its seeded supervisor and
one of its workers with a published outcome get the bench password. gunicorn runs with 2
workers on 127.0.0.1:8028 (production settings); each person signs in through the form and
wrk -t2 -c16 runs on their page and on the floor (the accessibility statement, same user),
interleaved, 3 rounds. Goal: each page at least 0.45× the floor's req/s.
Not a test: figures vary with the machine.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loadtest

GOAL = 0.45
LEAD_EMAIL = "bench.lead@national.naas.test"


def largest_la():
    from django.db.models import Count

    from naas.models import LocalAuthority
    from reporting.national_data import ONS_PREFIX

    return (
        LocalAuthority.objects.filter(ons_code__startswith=ONS_PREFIX)
        .annotate(staff=Count("social_workers"))
        .order_by("-staff", "pk")
        .first()
    )


def people(la):
    """The LA lead (made for the run), the LA's supervisor and a worker with a result."""
    from assessment.models import Outcome
    from naas.models import Role, SocialWorker, StaffRole, User

    lead, _ = User.objects.get_or_create(email=LEAD_EMAIL, defaults={"full_name": "Bench lead"})
    StaffRole.objects.get_or_create(user=lead, role=Role.LA_LEAD, local_authority=la)
    worker = (
        Outcome.objects.filter(attempt__worker__local_authority=la, published_at__isnull=False)
        .order_by("pk")
        .values_list("attempt__worker", flat=True)
        .first()
    )
    worker = SocialWorker.objects.select_related("user", "supervisor").get(pk=worker)
    loadtest.give_bench_password([lead, worker.supervisor, worker.user])
    return lead, worker.supervisor, worker.user


def remove_lead_role():
    from naas.models import StaffRole

    StaffRole.objects.filter(user__email=LEAD_EMAIL).delete()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    loadtest.common_arguments(parser)
    parser.add_argument(
        "--page",
        choices=("staff", "supervisees", "results"),
        action="append",
        help="only this page (repeatable); all three by default",
    )
    args = parser.parse_args()
    loadtest.django_setup()
    loadtest.ensure_national(args.workers)
    from django.urls import reverse

    la = largest_la()
    lead, supervisor, worker = people(la)
    print(f"Largest LA: {la.staff} social workers", flush=True)
    pages = {
        "staff": (
            f"LA lead's staff list ({la.staff} staff)",
            lead,
            reverse("naas:staff_list", args=[la.pk]),
        ),
        "supervisees": ("Supervisor's supervisees", supervisor, reverse("endorsement:supervisees")),
        "results": ("Worker's results page", worker, reverse("feedback:my_results")),
    }
    pages = [pages[name] for name in args.page or pages]
    results = []
    try:
        with loadtest.Server(args.port, args.gunicorn_workers) as server:
            for label, user, path in pages:
                cookie, _ = loadtest.sign_in(server.port, user.email)
                results.append(
                    loadtest.compare(
                        server,
                        label,
                        path,
                        cookie,
                        goal=GOAL,
                        connections=args.connections,
                        seconds=args.seconds,
                    )
                )
    finally:
        remove_lead_role()
    sys.exit(0 if all(r.met for r in results) else 1)


if __name__ == "__main__":
    main()
