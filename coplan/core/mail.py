"""E-mail sent by business actions: composed inside the action's transaction, sent once it
commits (never for a rollback), one message per recipient and all of them together, so that
nobody hears first and nobody sees another's address."""

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import transaction


def site_url(path: str = "/") -> str:
    """An address on this site for an e-mail (``COPLAN_SITE_URL`` + ``path``)."""
    return settings.SITE_URL.rstrip("/") + path


def mail_on_commit(subject: str, body: str, recipients, attachments=()) -> int:
    """Queue one message per distinct address in ``recipients`` for when the transaction
    commits; ``attachments`` are ``(filename, content, mimetype)``. Returns how many."""
    addresses = sorted({address for address in recipients if address})
    messages = []
    for address in addresses:
        message = EmailMessage(subject, body, None, [address])
        for filename, content, mimetype in attachments:
            message.attach(filename, content, mimetype)
        messages.append(message)
    if messages:
        transaction.on_commit(lambda: mailers.default.send_messages(messages))
    return len(messages)
