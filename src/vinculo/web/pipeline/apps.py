from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "vinculo.web.pipeline"
    label = "pipeline"
    verbose_name = "Opportunity pipeline"
