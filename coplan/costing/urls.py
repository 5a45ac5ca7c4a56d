app_name = "costing"
urlpatterns = []
