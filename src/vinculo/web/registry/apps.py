from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "vinculo.web.registry"
    label = "registry"
    verbose_name = "Registry"
