"""Who sees this app's audit events (:mod:`coplan.core.sensitivity`)."""

from coplan.core.sensitivity import Audience, declare

declare(Audience.SITE, ["ops.person.erased", "ops.retention.applied"])
