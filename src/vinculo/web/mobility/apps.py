from django.apps import AppConfig


class MobilityConfig(AppConfig):
    name = "vinculo.web.mobility"
    label = "mobility"
    verbose_name = "Mobility"
