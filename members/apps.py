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
