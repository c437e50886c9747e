from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "vinculo.web.forums"
    label = "forums"
    verbose_name = _("Technical forums")
    default_auto_field = "django.db.models.BigAutoField"
