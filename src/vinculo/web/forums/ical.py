"""iCalendar (RFC 5545) export of forum meetings. Only the meeting: never its delegates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from vinculo.web.forums.models import ForumEvent


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """Lines of at most 75 octets; continuation lines start with a space."""
    out: list[str] = []
    current = ""
    for character in line:
        limit = 75 if not out else 74
        if len((current + character).encode()) > limit:
            out.append(current)
            current = character
        else:
            current += character
    out.append(current)
    return [out[0], *(" " + part for part in out[1:])]


def calendar(events: Iterable[ForumEvent], names: dict[str, str], title: str) -> str:
    """The meetings as one VCALENDAR; ``names``: forum id -> display name."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Vinculo//Forums//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(title)}",
    ]
    for event in events:
        forum = names.get(event.forum.slug, event.forum.slug)
        stamp = event.created_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        place = ", ".join(part for part in (event.city, event.country) if part)
        lines += [
            "BEGIN:VEVENT",
            f"UID:forum-event-{event.pk}@vinculo",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{event.starts_on:%Y%m%d}",
            f"DTEND;VALUE=DATE:{event.ends_on + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(f'{forum}: {event.title}')}",
        ]
        if place or event.online:
            lines.append(f"LOCATION:{_escape(place or 'online')}")
        if event.url:
            lines.append(f"URL:{event.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(part + "\r\n" for line in lines for part in _fold(line))
