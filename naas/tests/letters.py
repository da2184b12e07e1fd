"""A sample letter for the PDF layer's tests, the PDF benchmark (bench/bench_pdf.py) and layout
checks: the context templates/pdf/sample_letter.html expects, with any field overridden."""

from datetime import date
from typing import Any


def sample_letter_context(**overrides: Any) -> dict:
    """Context for templates/pdf/sample_letter.html (any field can be overridden)."""
    context = {
        "worker_name": "Amara Okafor",
        "address_lines": ["Children's Services", "12 Civic Way", "Leeds", "LS1 1UR"],
        "registration_number": "SW123456",
        "reference": "NAAS-2026-000123",
        "letter_date": date(2026, 11, 23),
        "level": "approved child and family practitioner",
        "outcome": "Partially met",
        "outcome_summary": (
            "You met the standard in 8 of 10 areas. You can retake the 2 areas not met "
            "within 6 months without sitting the whole assessment again."
        ),
        "areas": [
            {"name": name, "result": result, "feedback": feedback}
            for name, result, feedback in [
                ("Relationships and effective direct work", "Met", ""),
                ("Communication", "Met", "Clear, warm and well structured throughout."),
                ("Child development", "Met", ""),
                (
                    "Adult mental ill health, substance misuse, domestic abuse, "
                    "physical ill health and disability",
                    "Met",
                    "",
                ),
                (
                    "Abuse and neglect of children",
                    "Not met",
                    "The analysis of risk did not weigh the history of neglect.\n\n"
                    "Look again at how chronologies inform a safety plan.",
                ),
                ("Child and family assessment", "Met", ""),
                ("Analysis, decision-making, planning and review", "Met", ""),
                ("The law and the family and youth justice systems", "Met", ""),
                (
                    "The role of supervision and research",
                    "Not met",
                    "Reflection on supervision was brief; link decisions to research.",
                ),
                ("Organisational context", "Met", ""),
            ]
        ],
        "next_steps": [
            "Talk to your supervisor about the support your employer will give you.",
            "Book a fast-track retake of the areas not met before 23 May 2027.",
            "You can ask for a review of this result until 21 December 2026.",
        ],
    }
    context.update(overrides)
    return context
