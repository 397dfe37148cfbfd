from django.apps import AppConfig


class FeedbackPortalConfig(AppConfig):
    name = "feedback_portal"
    verbose_name = "Feedback Portal"

    def ready(self) -> None:
        from . import audit, checks, mfa, sessions  # noqa: F401  (system checks; sign-ins noted and audited; MFA)
        from .models import PortalSettings, User

        # Roles, e-mail addresses and switching accounts off; never a password (audit.SECRET_FIELDS).
        audit.track(User)
        audit.track(PortalSettings, exclude=["logo_type"])

        # Second factors added, removed or their recovery codes renewed: in the audit trail.
        from allauth.mfa import signals as mfa_signals

        for change, signal in {
            "added": mfa_signals.authenticator_added,
            "removed": mfa_signals.authenticator_removed,
            "reset": mfa_signals.authenticator_reset,
        }.items():
            signal.connect(audit.mfa_receiver(change), weak=False, dispatch_uid=f"audit-mfa-{change}")
        # A wrong code from an authenticator app, a recovery code or at re-confirming: a failed sign-in.
        mfa_signals.authentication_failed.connect(
            audit.note_second_step_failed, dispatch_uid="audit-mfa-failed"
        )
