"""New records: the DHSC Director General campaign, or a blank campaign of the same shape.

Only public facts go here: no people, and no dates that have not been announced
("to be confirmed" until the campaign team knows them).
"""

from __future__ import annotations

import secrets
from datetime import date

from dgtracker.dates import When
from dgtracker.process.milestone_actions import slug
from dgtracker.record.model import (
    Campaign,
    Criterion,
    CriterionKind,
    Milestone,
    Record,
    default_stages,
)

DHSC_TITLE = "Director General for Technology, Digital and Data"


def _tbc(milestone_id: str, title: str) -> Milestone:
    return Milestone(milestone_id, title, When())


def dhsc_criteria() -> list[Criterion]:
    """Example criteria for a DG TDD post, in the shape of the Success Profiles (an
    example to adapt: the campaign's published candidate pack is what counts)."""
    behaviour, experience, technical = (
        CriterionKind.BEHAVIOUR,
        CriterionKind.EXPERIENCE,
        CriterionKind.TECHNICAL,
    )
    sift, assessment, interview = "longlist", "assessment", "interview"
    return [
        Criterion(
            "transformation",
            "Leading digital and data transformation at scale",
            experience,
            assess=(sift, interview),
            weight=2,
        ),
        Criterion(
            "data-strategy",
            "Data and technology strategy for health and care",
            technical,
            assess=(sift, interview),
            lead=True,
        ),
        Criterion("big-picture", "Seeing the Big Picture", behaviour, assess=(interview,)),
        Criterion("leadership", "Leadership", behaviour, assess=(assessment, interview)),
        Criterion("communicating", "Communicating and Influencing", behaviour, assess=(interview,)),
        Criterion("delivering", "Delivering at Pace", behaviour, assess=(interview,)),
    ]


def calendar_token() -> str:
    """A new record's calendar token: random, so that two records of one title (or two made
    from the DHSC template) give their calendar events different UIDs."""
    return secrets.token_hex(5)


def dhsc_campaign() -> Record:
    return Record(
        campaign=Campaign(
            id="dhsc-dg-tdd-2026",
            title=DHSC_TITLE,
            organisation="Department of Health and Social Care",
            grade="Senior Civil Service pay band 3 (Director General)",
            salary="up to £285,000",
            description="Final panel chaired by a Civil Service Commissioner.",
            band="SCS3",  # with external: the Commission's rules (a Commissioner chairs)
            external=True,
        ),
        stages=default_stages(),
        milestones=[
            Milestone("closing", "Applications close", When(date(2026, 2, 9), date(2026, 2, 9))),
            _tbc("sift", "Sift and longlist"),
            _tbc("shortlist", "Shortlist meeting"),
            _tbc("assessment", "Staff engagement exercise and leadership assessment"),
            Milestone(
                "interviews",
                "Final interviews (panel chaired by a Civil Service Commissioner)",
                When(date(2026, 3, 1), date(2026, 3, 10), None, "early March 2026"),
            ),
            _tbc("ministers", "Ministerial consultation"),
            _tbc("offer", "Offer"),
            _tbc("checks", "Pre-employment checks and vetting"),
            _tbc("appointment", "Appointment announced"),
        ],
        criteria=dhsc_criteria(),
    )


def blank_campaign(title: str, closes: When, organisation: str = "") -> Record:
    return Record(
        campaign=Campaign(id=slug(title), title=title, organisation=organisation),
        stages=default_stages(),
        milestones=[
            Milestone("closing", "Applications close", closes),
            _tbc("sift", "Sift and longlist"),
            _tbc("shortlist", "Shortlist meeting"),
            _tbc("assessment", "Assessment"),
            _tbc("interviews", "Final interviews"),
            _tbc("offer", "Offer"),
            _tbc("appointment", "Appointment announced"),
        ],
    )
