from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Association,
    Invitation,
    Language,
    Member,
    Membership,
    SignInAttempt,
    User,
    VolunteerRegisterEntry,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Association)
class AssociationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city", "fiscal_code"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "city"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = [
        "user",
        "association",
        "is_member",
        "is_facilitator",
        "is_operator",
        "is_coordinator",
    ]
    list_filter = ["association", "is_operator", "is_coordinator"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user"]


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ["last_name", "first_name", "association", "municipality"]
    list_filter = ["association"]
    search_fields = ["last_name", "first_name", "email", "phone"]
    raw_id_fields = ["user"]


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_it", "native_name"]
    search_fields = ["code", "name_en", "name_it"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "association", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["association", "role"]
    readonly_fields = ["token"]


@admin.register(SignInAttempt)
class SignInAttemptAdmin(admin.ModelAdmin):
    list_display = ["created_at", "email", "succeeded", "ip_address"]
    list_filter = ["succeeded"]
    search_fields = ["email"]
    readonly_fields = [f.name for f in SignInAttempt._meta.fields]


@admin.register(VolunteerRegisterEntry)
class VolunteerRegisterEntryAdmin(admin.ModelAdmin):
    """Read-only: the register is append-only (CTS art. 17), and entries are written by
    the register's pages, which number them. The database refuses changes anyway."""

    list_display = ["number", "association", "kind", "last_name", "first_name", "start_date"]
    list_filter = ["association", "kind"]
    search_fields = ["last_name", "first_name", "fiscal_code"]
    ordering = ["association", "number"]
    readonly_fields = [f.name for f in VolunteerRegisterEntry._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
