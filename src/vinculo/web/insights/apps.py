from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "vinculo.web.insights"
    label = "insights"
    verbose_name = "Insights"
