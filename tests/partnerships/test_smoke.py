from django.urls import reverse


def test_dashboard_renders_for_commissioner(personas, partnership, as_user):
    client = as_user(personas["commissioner"])
    for name in ["dashboard", "timeline", "stage", "members", "activity", "edit", "timeline.edit"]:
        response = client.get(reverse(f"partnerships:{name}", args=[partnership.pk]))
        assert response.status_code == 200, name
    assert client.get(reverse("partnerships:list")).status_code == 200
    for name in ["core:profile", "core:organisations", "core:rules"]:
        assert client.get(reverse(name)).status_code == 200, name
