import rules

from coplan.partnerships.rules import is_site_admin

# The data protection register, subject access, erasure and retention are for the site
# administrators (the people who run the site for the council: accounts are theirs), not for
# partnership roles, and not for anyone merely marked staff.
rules.add_perm("ops.manage_privacy", is_site_admin)
