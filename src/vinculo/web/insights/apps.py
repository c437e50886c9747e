from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "vinculo.web.insights"
    label = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from vinculo.web.insights import notify

        notify.connect()  # post_data_changed after agreement and opportunity changes
        from vinculo.web.insights import briefs  # noqa: F401 — connects its receivers
