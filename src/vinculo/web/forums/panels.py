"""What other apps show of the forums: the dashboard's influence-gap panel and the forums a
country leads (on its page)."""

from __future__ import annotations

from typing import Any

from vinculo.web.forums.presenters import ROLE_LABELS, coverage_line
from vinculo.web.forums.selectors import coverage_rows, forums_led_by


def forum_gap_panel(user: Any, language: str) -> list[dict[str, Any]]:
    return [coverage_line(row, language) for row in coverage_rows(user)]


def forums_led_lines(user: Any, code: str, language: str) -> list[dict[str, Any]]:
    return [
        {
            "id": forum.id,
            "name": forum.name.get(language, forum.id),
            "roles": ", ".join(
                str(ROLE_LABELS.get(lead.role, lead.role)) for lead in forum.led_by(code.upper())
            ),
        }
        for forum in forums_led_by(user, code)
    ]
