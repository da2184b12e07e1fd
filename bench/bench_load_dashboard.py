"""The DfE dashboard (England, default filters) under load, against the floor.

    .venv/bin/python bench/bench_load_dashboard.py [--workers 30000] [--seconds 10]

Uses (or first seeds) the national data in DATABASE_URL (default the naas_bench database),
runs gunicorn with 2 workers on 127.0.0.1:8028 with the production settings, signs a DfE user
in through the sign-in form and runs wrk -t2 -c16 on the dashboard and on the floor (the
accessibility statement, same user), interleaved, 3 rounds. Prints req/s, p50 and p95 of
each, the median ratio and whether it meets the goal (at least 0.2× the floor's req/s).
Not a test: figures vary with the machine.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loadtest

GOAL = 0.2
DFE_EMAIL = "bench.dfe@national.naas.test"  # the same user as bench_dashboards.py


def bench_user():
    from naas.models import Role, StaffRole, User

    user, _ = User.objects.get_or_create(email=DFE_EMAIL, defaults={"full_name": "Bench"})
    StaffRole.objects.get_or_create(user=user, role=Role.DFE)
    loadtest.give_bench_password([user])
    return user


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    loadtest.common_arguments(parser)
    args = parser.parse_args()
    loadtest.django_setup()
    loadtest.ensure_national(args.workers)
    from django.urls import reverse

    user = bench_user()
    with loadtest.Server(args.port, args.gunicorn_workers) as server:
        cookie, _ = loadtest.sign_in(server.port, user.email)
        result = loadtest.compare(
            server,
            "DfE dashboard (England)",
            reverse("reporting:dashboard"),
            cookie,
            goal=GOAL,
            connections=args.connections,
            seconds=args.seconds,
        )
    sys.exit(0 if result.met else 1)


if __name__ == "__main__":
    main()
