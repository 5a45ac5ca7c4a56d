"""Model fields of our own."""

from django.db import models

from . import clock


class ChangedAtField(models.DateTimeField):
    """When the row last changed, stamped on every save as Django's ``auto_now`` does, but from
    :mod:`coplan.core.clock`, so a step of the demo story leaves its own date behind."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = clock.now()
        setattr(model_instance, self.attname, value)
        return value
