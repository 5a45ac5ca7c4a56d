import rules

# The data protection register, subject access, erasure and retention are for Coplan's staff
# (the people who run the site for the council), not for partnership roles.
rules.add_perm("ops.manage_privacy", rules.is_staff)
