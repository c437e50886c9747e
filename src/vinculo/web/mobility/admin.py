"""The mobility and training records in Django's admin (administrators), until their own
pages exist: programmes, training programmes, cohorts and the projects' needs."""

from django.contrib import admin

from vinculo.web.mobility.models import (
    Programme,
    ProjectNeed,
    TrainingCohort,
    TrainingProgramme,
)


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "kind", "agreement", "ends_on")
    list_filter = ("kind",)
    search_fields = ("name",)


class CohortInline(admin.TabularInline):  # type: ignore[type-arg]
    model = TrainingCohort
    extra = 1


@admin.register(TrainingProgramme)
class TrainingProgrammeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "model", "profile", "priority")
    search_fields = ("name", "profile")
    inlines = (CohortInline,)


@admin.register(ProjectNeed)
class ProjectNeedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("project", "profile", "year", "specialists")
    list_filter = ("year",)
