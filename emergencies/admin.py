"""The admin for coordinators' rare cases. The access log is read-only here, as in the
database; cases are changed through the pages (their services keep the timeline)."""

from django.contrib import admin

from .models import Case, CaseAccess, CaseSettings, Category, DutyShift


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_it", "name_en", "association", "is_active", "order"]
    list_filter = ["association", "is_active"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["__str__", "association", "category", "urgency", "status", "opened_at"]
    list_filter = ["association", "status", "urgency"]
    raw_id_fields = ["member", "assigned_to", "opened_by"]
    readonly_fields = ["first_contact_at", "closed_at", "acknowledged_at", "escalated_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CaseAccess)
class CaseAccessAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "case", "action"]
    list_filter = ["action"]
    raw_id_fields = ["case", "user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(DutyShift)
admin.site.register(CaseSettings)
