"""A real Celery worker for the fault tests, whose first render of each letter is held.

    python -m tests.letter_worker HOLD_SECONDS [celery worker options...]

It is the ordinary `celery -A naas worker`, except that `feedback.services.letter_render` is
wrapped before the worker starts: on a letter's first run (attempts == 1) it sleeps
HOLD_SECONDS before rendering, so a test can kill the pool process mid-letter. The prefork
pool's processes are forked from this one and inherit the wrapper; the application code has no
hook for it. DJANGO_SETTINGS_MODULE and the rest come from the environment the test gives.
"""

import sys
import time


def hold_first_render(seconds: float) -> None:
    from feedback import services

    render = services.letter_render

    def held(letter):
        if letter.attempts <= 1:
            time.sleep(seconds)
        return render(letter)

    services.letter_render = held


def main(argv: list[str]) -> None:
    seconds, worker_options = float(argv[0]), argv[1:]
    import django

    django.setup()
    hold_first_render(seconds)
    from naas.celery import app

    app.worker_main(["worker", *worker_options])


if __name__ == "__main__":
    main(sys.argv[1:])
