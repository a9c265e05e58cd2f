from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts import sessions

        # Every sign-in, whoever does it, records its session (accounts.sessions).
        user_logged_in.connect(
            sessions.on_user_logged_in, dispatch_uid="accounts.session_record"
        )
