"""Signals of the insights app.

``post_data_changed`` is sent (with ``post=<registry.Post>``) after a change to anything a
post's brief shows from the web app's own data — its sections, its curated institutions,
its agreements or opportunities — has been committed. Receivers prepare the brief again in
the background; senders never wait for them.
"""

from __future__ import annotations

from django.dispatch import Signal

post_data_changed = Signal()
