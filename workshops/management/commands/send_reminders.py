"""E-mail reminders of action plans: the day before the due date, and once when it has passed.

Run it on a schedule (docker-compose's `reminders` service runs it every 15 minutes; cron
works too). Each reminder is recorded before its mail goes out, so running it twice, in two
processes at once, or again after a restart, sends each one once; a mail that fails is
forgotten again and retried on the next run. Without a mail server configured, Django's
console backend prints the mails (the default: nothing leaves the machine)."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from maps.models import ActionPlan, Reminder
from workshops.actions import plans as actions

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Send the e-mail reminders of action plans that are due (each once)."

    def handle(self, *args, **options):
        today = timezone.localdate()
        due = ActionPlan.objects.exclude(owner_email="").exclude(status=ActionPlan.Status.DONE)
        sent = 0
        with translation.override(settings.LANGUAGE_CODE):
            for plan in due.filter(due_date=today + datetime.timedelta(days=1)):
                sent += self._remind(plan, Reminder.Kind.DUE_SOON)
            for plan in due.filter(due_date__lt=today):
                sent += self._remind(plan, Reminder.Kind.OVERDUE)
        self.stdout.write(f"{sent} reminder(s) sent")

    def _remind(self, plan: ActionPlan, kind: str) -> int:
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(plan=plan, kind=kind, due_date=plan.due_date)
        except IntegrityError:
            return 0  # sent before (this run's twin, or an earlier run)
        link = settings.SITE_URL + reverse("workshops:owner", args=[actions.owner_link(plan)])
        subject = (
            _("Due tomorrow: %(what)s")
            if kind == Reminder.Kind.DUE_SOON
            else _("Overdue: %(what)s")
        ) % {"what": plan.what[:80]}
        body = _(
            "%(what)s\n\nDue: %(date)s\nMap: %(map)s\n\nRecord where it stands, or what came "
            "of it, here (no account needed):\n%(link)s\n"
        ) % {
            "what": plan.what,
            "date": plan.due_date.isoformat(),
            "map": plan.journey_map.title,
            "link": link,
        }
        try:
            send_mail(subject, body, None, [plan.owner_email])
        except Exception:  # the mail server said no: try again on the next run
            log.exception("reminder for plan %s not sent", plan.pk)
            reminder.delete()
            return 0
        return 1
