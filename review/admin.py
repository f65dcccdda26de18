from django.contrib import admin

from .models import Expert


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "affiliation_en", "edition"]
    list_filter = ["edition", "directions"]
    search_fields = ["name_zh", "name_en", "user__email", "affiliation_zh", "affiliation_en"]
    filter_horizontal = ["directions"]
    raw_id_fields = ["user"]
