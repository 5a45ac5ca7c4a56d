"""Production-like settings for benchmarks: DEBUG off, plus a minimal view as the baseline."""

import os

os.environ.setdefault("COPLAN_SECRET_KEY", "bench-only-secret-key-not-for-production")
os.environ.setdefault("COPLAN_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("COPLAN_SSL_REDIRECT", "0")
os.environ.setdefault("COPLAN_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
# the demo story seals bids; a bench-only master key (32 bytes, urlsafe base64)
os.environ.setdefault("COPLAN_SEAL_MASTER_KEY", "YmVuY2gtb25seS1zZWFsLWtleS0zMi1ieXRlcy4uLi4=")

import warnings

from coplan.settings import *  # noqa: F403

# served without collectstatic: WhiteNoise finds the files through the finders instead
warnings.filterwarnings("ignore", message="No directory at: ")

ROOT_URLCONF = "bench.urls"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
SECURE_HSTS_SECONDS = 0
LOGGING = {"version": 1, "disable_existing_loggers": False}
WHITENOISE_USE_FINDERS = True
# The dashboard bench loads the demo story, which backdates its audit events.
COPLAN_AUDIT_ALLOW_RESEAL = True
