"""``manage.py train_classifier``: retrain the priority classifier on the priorities file
and every label officers confirmed, and save it (atomically) where the pipeline reads it."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from vinculo.web.pipeline.classify import retrain


class Command(BaseCommand):
    help = "Retrain the priority classifier with the confirmed labels."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        count, path = retrain()
        self.stdout.write(
            f"trained on the priorities file and {count} confirmed label(s) in "
            f"{time.perf_counter() - started:.1f} s; saved to {path}"
        )
