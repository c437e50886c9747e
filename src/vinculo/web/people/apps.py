from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "vinculo.web.people"
    label = "people"
    verbose_name = "Researchers and the diaspora"
