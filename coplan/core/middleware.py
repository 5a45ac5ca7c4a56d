"""Headers that keep pages to the person they were meant for.

Every response says which browser features Coplan never uses (``Permissions-Policy``), so a
script slipped into a page cannot reach the camera, microphone, location or payments; passkeys
stay allowed for this site, for two-factor sign-in to come.

Every response to a signed-in person (pages, downloads and API answers, which carry their
partnerships' data) says ``Cache-Control: private, no-store``, so no proxy keeps it and the
browser does not keep it on disk for the next person at a shared computer. A Cache-Control the
view set itself stands when it already keeps the response out of shared caches (``private``
or ``no-store``, like the calendar feeds' and ``never_cache``); anything else (``public``, a
bare ``max-age``) would let a shared cache keep it, and is replaced. Static files (served by
WhiteNoise before anyone is signed in) and pages for people not signed in stay cacheable.
"""

PERMISSIONS_POLICY = ", ".join(
    [
        "accelerometer=()",
        "camera=()",
        "geolocation=()",
        "gyroscope=()",
        "magnetometer=()",
        "microphone=()",
        "payment=()",
        "usb=()",
        "publickey-credentials-create=(self)",
        "publickey-credentials-get=(self)",
    ]
)
PERSONAL = "private, no-store"


def _signed_in(request) -> bool:
    if getattr(request, "coplan_user_id", None) is not None:  # served by partnerships.pagecache
        return True
    user = getattr(request, "user", None)  # absent before AuthenticationMiddleware ran
    return user is not None and user.is_authenticated


def _keeps_out_of_shared_caches(cache_control: str) -> bool:
    directives = {d.strip().split("=")[0].lower() for d in cache_control.split(",")}
    return bool(directives & {"private", "no-store"}) and "public" not in directives


class PrivacyHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if _signed_in(request) and not _keeps_out_of_shared_caches(
            response.get("Cache-Control", "")
        ):
            response["Cache-Control"] = PERSONAL
        return response
