"""WSGI entry point (gunicorn ``vinculo.web.wsgi:application``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vinculo.web.settings")
application = get_wsgi_application()

from vinculo.web.insights.briefs import serve_jobs  # noqa: E402 — needs the apps loaded

serve_jobs()  # this process serves requests: briefs are prepared in its runner thread
