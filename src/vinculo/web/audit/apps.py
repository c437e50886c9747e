from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "vinculo.web.audit"
    label = "audit"
    verbose_name = "Audit"
