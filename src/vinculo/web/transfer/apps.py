from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "vinculo.web.transfer"
    label = "transfer"
    verbose_name = "Technology transfer"
