from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vinculo.web.accounts"
    label = "accounts"
    verbose_name = "Accounts"
