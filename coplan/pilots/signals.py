"""Bulk deletes for the big tables: records and rollups use ``DO_NOTHING`` foreign keys, so
Django never collects them row by row; these handlers delete them with one statement each
before the pilot or KPI they belong to goes. And the pilot's actual unit costs, for costing's
planned-against-actual comparison."""

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from coplan.costing.signals import actual_unit_costs_wanted

from .models import DeliveryRecord, ImportBatch, Kpi, KpiRollup, MonthlyRollup, Pilot
from .queries import actual_unit_costs


@receiver(pre_delete, sender=Pilot)
def delete_pilot_data(sender, instance, using, **kwargs):
    KpiRollup.objects.using(using).filter(kpi__pilot=instance)._raw_delete(using)
    MonthlyRollup.objects.using(using).filter(pilot=instance)._raw_delete(using)
    DeliveryRecord.objects.using(using).filter(pilot=instance)._raw_delete(using)


@receiver(pre_delete, sender=ImportBatch)
def delete_batch_records(sender, instance, using, **kwargs):
    DeliveryRecord.objects.using(using).filter(batch=instance)._raw_delete(using)


@receiver(pre_delete, sender=Kpi)
def delete_kpi_rollups(sender, instance, using, **kwargs):
    KpiRollup.objects.using(using).filter(kpi=instance)._raw_delete(using)


@receiver(actual_unit_costs_wanted)
def answer_actual_unit_costs(sender, partnership, **kwargs):
    return actual_unit_costs(partnership)
