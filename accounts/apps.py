from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts import consent_renewal, sessions

        # Every sign-in, whoever does it, records its session (accounts.sessions).
        user_logged_in.connect(
            sessions.on_user_logged_in, dispatch_uid="accounts.session_record"
        )
        # Sign-in answers the renewal question while it saves the session anyway,
        # so pages after it pay nothing (accounts/consent_renewal.py).
        user_logged_in.connect(
            consent_renewal.on_user_logged_in, dispatch_uid="accounts.consent_renewal"
        )
