from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = _("Core")

    def ready(self):
        from apps.core import controls, converters, dbtimeouts

        dbtimeouts.connect()
        converters.register()
        controls.install()  # every form's text field refuses control characters
