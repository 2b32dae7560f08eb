from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ImportJob,
    Location,
    Organization,
    Partnership,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    Suggestion,
    TaxonomyTerm,
)


class PhoneInline(admin.TabularInline):
    model = Phone
    extra = 0
    fields = ["number", "type", "description"]


class ScheduleInline(admin.TabularInline):
    model = Schedule
    extra = 0
    fields = ["freq", "byday", "opens_at", "closes_at", "valid_from", "valid_to", "description"]


class ServiceAtLocationInline(admin.TabularInline):
    model = ServiceAtLocation
    extra = 0
    raw_id_fields = ["location"]


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "maintained_by", "last_verified_at"]
    list_filter = ["maintained_by"]
    search_fields = ["name", "tax_id"]


@admin.register(Service)
class ServiceAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "organization",
        "status",
        "is_public",
        "maintained_by",
        "last_verified_at",
    ]
    list_filter = ["status", "is_public", "maintained_by", "categories"]
    search_fields = ["name", "organization__name"]
    filter_horizontal = ["categories", "languages"]
    raw_id_fields = ["organization"]
    inlines = [PhoneInline, ScheduleInline, ServiceAtLocationInline]


@admin.register(Location)
class LocationAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "city", "maintained_by", "wheelchair_accessible"]
    list_filter = ["city", "maintained_by"]
    search_fields = ["name", "address_1", "city"]


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "parent"]
    search_fields = ["code", "name", "name_en"]


@admin.register(Partnership)
class PartnershipAdmin(SimpleHistoryAdmin):
    list_display = ["organization", "association", "agreement_start", "agreement_end"]
    list_filter = ["association"]


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "association", "status", "suggested_by"]
    list_filter = ["status", "association"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["created_at", "association", "kind", "status", "processed_rows", "total_rows"]
    list_filter = ["kind", "status"]
