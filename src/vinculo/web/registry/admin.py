"""Reference data in Django's admin (countries, posts): administrators keep them."""

from django.contrib import admin

from vinculo.web.registry.models import Country, Post


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name_es", "name_en")
    search_fields = ("code", "name_es", "name_en")


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "kind", "host_country", "city")
    list_filter = ("kind",)
    search_fields = ("name", "city")
