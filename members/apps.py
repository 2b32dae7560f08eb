from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("People and access")

    def ready(self) -> None:
        from allauth.mfa import signals as mfa_signals
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from . import receivers
        from .models import Role
        from .panels import HomeLink, register_home_link

        # Django's own authentication signals are the one place every sign-in passes
        # (allauth, the admin, tests): the receivers only record and stamp the session.
        user_logged_in.connect(receivers.on_user_logged_in, dispatch_uid="nucleo-login-ok")
        user_login_failed.connect(receivers.on_user_login_failed, dispatch_uid="nucleo-login-ko")
        mfa_signals.authentication_failed.connect(
            receivers.on_second_factor_failed, dispatch_uid="nucleo-mfa-ko"
        )

        register_home_link(
            HomeLink(
                role=Role.MEMBER,
                url_name="members:me",
                label=_("My profile"),
                description=_("Your details, your consents, your data."),
                order=90,
            )
        )
        register_home_link(
            HomeLink(
                role=Role.COORDINATOR,
                url_name="members:privacy-notice-list",
                label=_("Privacy notice"),
                description=_("The notice people read before they consent, by version."),
                order=35,
                in_menu=False,
            )
        )
        from .views.panels import register_member_panels

        register_member_panels()

        for role in (Role.OPERATOR, Role.COORDINATOR):
            register_home_link(
                HomeLink(
                    role=role,
                    url_name="members:member-list",
                    label=_("Member registry"),
                    description=_("Find the people of your association."),
                    order=10,
                )
            )
            register_home_link(
                HomeLink(
                    role=role,
                    url_name="members:import-list",
                    label=_("Import members"),
                    description=_("Bring your existing spreadsheet of members into the registry."),
                    order=15,
                    in_menu=False,
                )
            )
            register_home_link(
                HomeLink(
                    role=role,
                    url_name="members:invitation-list",
                    label=_("Invitations"),
                    description=_("Invite people to join Nucleo with a link that works once."),
                    order=20,
                )
            )
        register_home_link(
            HomeLink(
                role=Role.COORDINATOR,
                url_name="members:signin-list",
                label=_("Sign-in log"),
                description=_("Every sign-in attempt on your association's accounts."),
                order=30,
                in_menu=False,
            )
        )
        register_home_link(
            HomeLink(
                role=Role.COORDINATOR,
                url_name="members:delivery-list",
                label=_("Notification deliveries"),
                description=_("See what was sent and retry what failed."),
                order=40,
                in_menu=False,
            )
        )
        # Data-protection rights; importing the services registers members' own export
        # sections, anonymiser and legal hold (members.privacy).
        from .services import privacy as _privacy  # noqa: F401

        register_home_link(
            HomeLink(
                role=Role.MEMBER,
                url_name="members:me-data",
                label=_("My data"),
                description=_("Download everything we hold on you, or ask to be forgotten."),
                order=95,
                in_menu=False,
            )
        )
        for url_name, label, description, order in (
            (
                "members:erasure-list",
                _("Erasure requests"),
                _("Requests to be forgotten: decide within 30 days."),
                45,
            ),
            (
                "members:retention-list",
                _("Retention"),
                _("Inactive members about to be anonymised."),
                46,
            ),
        ):
            register_home_link(
                HomeLink(
                    role=Role.COORDINATOR,
                    url_name=url_name,
                    label=label,
                    description=description,
                    order=order,
                    in_menu=False,
                )
            )
        # The solidarity network: members opt in, staff find volunteers, coordinators
        # keep the catalogue, the register (CTS art. 17) and the insurance (art. 18).
        register_home_link(
            HomeLink(
                role=Role.MEMBER,
                url_name="members:me-volunteer",
                label=_("My volunteering"),
                description=_("Help others in the solidarity network: what, where and when."),
                order=80,
            )
        )
        for role in (Role.OPERATOR, Role.COORDINATOR):
            register_home_link(
                HomeLink(
                    role=role,
                    url_name="members:volunteer-list",
                    label=_("Volunteers"),
                    description=_("Who can help, with what, where and when."),
                    order=25,
                )
            )
        for url_name, label, description, order in (
            (
                "members:skill-list",
                _("Skills catalogue"),
                _("The skills volunteers can offer."),
                50,
            ),
            (
                "members:register-list",
                _("Volunteer register"),
                _("The register of non-occasional volunteers, printable and exportable."),
                55,
            ),
            (
                "members:policy-list",
                _("Insurance"),
                _("The policies that cover your volunteers, and when they expire."),
                60,
            ),
        ):
            register_home_link(
                HomeLink(
                    role=Role.COORDINATOR,
                    url_name=url_name,
                    label=label,
                    description=description,
                    order=order,
                    in_menu=False,
                )
            )
