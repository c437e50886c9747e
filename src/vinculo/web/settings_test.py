"""Settings for the test suite: the development settings with a throw-away VINCULO_HOME,
fast password hashing, and in-memory e-mail. ``DATABASE_URL`` still chooses the database
(SQLite by default; scripts/test also runs the web tests on PostgreSQL)."""

import os
import tempfile

os.environ.setdefault("VINCULO_HOME", tempfile.mkdtemp(prefix="vinculo-test-"))
os.environ.setdefault("VINCULO_ENV", "test")

from vinculo.web.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only: fast
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True
VINCULO_BRIEF_JOBS_INLINE = True  # a brief's preparation runs in the caller: no thread
