app_name = "consortium"
urlpatterns = []
