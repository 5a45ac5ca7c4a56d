"""Mounted at ``partnerships/<int:pk>/design/``: every view takes the partnership's ``pk``."""

from django.urls import path

from . import views

app_name = "design"
urlpatterns = [
    path("", views.overview, name="overview"),
    # engagement activities
    path("activities/", views.activity_list, name="activity.list"),
    path("activities/new/", views.activity_form, name="activity.new"),
    path("activities/<int:activity_pk>/", views.activity_detail, name="activity.detail"),
    path("activities/<int:activity_pk>/edit/", views.activity_form, name="activity.edit"),
    path("activities/<int:activity_pk>/record/", views.activity_record, name="activity.record"),
    path("activities/<int:activity_pk>/link/", views.activity_link, name="activity.link"),
    path("activities/<int:activity_pk>/attendance/", views.attendance_add, name="attendance.add"),
    path(
        "activities/<int:activity_pk>/attendance/<int:attendance_pk>/remove/",
        views.attendance_remove,
        name="attendance.remove",
    ),
    path("activities/<int:activity_pk>/attachments/", views.attachment_add, name="attachment.add"),
    path("attachments/<int:attachment_pk>/", views.attachment_download, name="attachment.download"),
    path("open/<str:token>/", views.open_post, name="open"),
    # ideas and feedback
    path("board/", views.board, name="board"),
    path("board/new/", views.item_new, name="item.new"),
    path("board/<int:item_pk>/", views.item_detail, name="item.detail"),
    path("board/<int:item_pk>/support/", views.item_support, name="item.support"),
    path("board/<int:item_pk>/comment/", views.item_comment, name="item.comment"),
    path("board/<int:item_pk>/curate/", views.item_curate, name="item.curate"),
    path("board/<int:item_pk>/merge/", views.item_merge, name="item.merge"),
    path("board/<int:item_pk>/respond/", views.item_respond, name="item.respond"),
    # insights, themes, survey import
    path("insights/", views.insights, name="insights"),
    path("themes/new/", views.theme_new, name="theme.new"),
    path("themes/<int:theme_pk>/edit/", views.theme_edit, name="theme.edit"),
    path("import/", views.import_upload, name="import.upload"),
    path("import/<int:import_pk>/", views.import_map, name="import.map"),
    # the specification
    path("specification/", views.spec_list, name="spec.list"),
    path("specification/new/", views.spec_new, name="spec.new"),
    path("specification/compare/", views.spec_diff, name="spec.diff"),
    path("specification/<int:number>/", views.spec_detail, name="spec.detail"),
    path("specification/<int:number>/edit/", views.spec_edit, name="spec.edit"),
    path("specification/<int:number>/pdf/", views.spec_pdf, name="spec.pdf"),
    path("specification/<int:number>/approve/", views.spec_approve, name="spec.approve"),
    path("specification/<int:number>/freeze/", views.spec_freeze, name="spec.freeze"),
    path("specification/<int:number>/discard/", views.spec_discard, name="spec.discard"),
    path(
        "specification/<int:number>/requirements/new/",
        views.requirement_form,
        name="requirement.new",
    ),
    path(
        "specification/<int:number>/requirements/<int:requirement_pk>/",
        views.requirement_form,
        name="requirement.edit",
    ),
    path(
        "specification/<int:number>/requirements/<int:requirement_pk>/remove/",
        views.requirement_remove,
        name="requirement.remove",
    ),
    # "you said, we did", consent, disclosure
    path("you-said-we-did/", views.you_said, name="you_said"),
    path("you-said-we-did/pdf/", views.you_said_pdf, name="you_said.pdf"),
    path("consent/", views.consent_list, name="consent.list"),
    path("consent/<int:consent_pk>/withdraw/", views.consent_withdraw, name="consent.withdraw"),
    path("disclosure/", views.disclosure, name="disclosure"),
    path("disclosure/<str:kind>/<int:obj_pk>/", views.classify, name="classify"),
]
