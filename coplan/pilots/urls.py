app_name = "pilots"
urlpatterns = []
