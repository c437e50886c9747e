from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "vinculo.web.insights"
    label = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from vinculo.web.insights import briefs  # noqa: F401 — connects its receivers
