"""allauth's forms with the portal's labels: sentence case, "e-mail" as the portal writes it, no
placeholders (a hint that disappears as you type is no hint). Listed in `settings.ACCOUNT_FORMS`.

Kept apart from `feedback_portal.forms`, which allauth's own forms import (the sign-up extension).
"""

from allauth.account import forms as allauth
from allauth.mfa.base import forms as mfa_base
from allauth.mfa.totp import forms as mfa_totp
from allauth.mfa.webauthn import forms as mfa_webauthn
from django.core.exceptions import ValidationError

EMAIL = "E-mail address"
CODE = "Enter the code we e-mailed you."
# What a field left empty says, by its new label: what to do, not "This field is required".
REQUIRED = {
    EMAIL: "Enter your e-mail address.",
    "Password": "Enter your password.",
    "Confirm password": "Enter the password again.",
    "Current password": "Enter your current password.",
    "New password": "Enter a new password.",
    "Confirm new password": "Enter the new password again.",
    "Sign-in code": CODE,
    "Confirmation code": CODE,
    "Reset code": CODE,
}


class PortalLabels:
    """Relabels the fields named in `labels`, says what to enter when one is empty, drops placeholders."""

    labels: dict[str, str] = {}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in self.labels:
                field.label = self.labels[name]
                if field.label in REQUIRED:
                    field.error_messages = {**field.error_messages, "required": REQUIRED[field.label]}
            field.widget.attrs.pop("placeholder", None)


class LoginForm(PortalLabels, allauth.LoginForm):
    labels = {"login": EMAIL, "password": "Password", "remember": "Remember me"}


class SignupForm(PortalLabels, allauth.SignupForm):
    labels = {"email": EMAIL, "password1": "Password", "password2": "Confirm password"}


class AddEmailForm(PortalLabels, allauth.AddEmailForm):
    labels = {"email": EMAIL}


class ChangeEmailForm(PortalLabels, allauth.ChangeEmailForm):
    labels = {"email": EMAIL}


class ChangePasswordForm(PortalLabels, allauth.ChangePasswordForm):
    labels = {
        "oldpassword": "Current password",
        "password1": "New password",
        "password2": "Confirm new password",
    }


class SetPasswordForm(PortalLabels, allauth.SetPasswordForm):
    labels = {"password1": "Password", "password2": "Confirm password"}


class ResetPasswordForm(PortalLabels, allauth.ResetPasswordForm):
    labels = {"email": EMAIL}


class ResetPasswordKeyForm(PortalLabels, allauth.ResetPasswordKeyForm):
    labels = {"password1": "New password", "password2": "Confirm new password"}


class RequestLoginCodeForm(PortalLabels, allauth.RequestLoginCodeForm):
    labels = {"email": EMAIL}


class ConfirmLoginCodeForm(PortalLabels, allauth.ConfirmLoginCodeForm):
    labels = {"code": "Sign-in code"}


class ConfirmEmailVerificationCodeForm(PortalLabels, allauth.ConfirmEmailVerificationCodeForm):
    labels = {"code": "Confirmation code"}


class ConfirmPasswordResetCodeForm(PortalLabels, allauth.ConfirmPasswordResetCodeForm):
    labels = {"code": "Reset code"}


class ReauthenticateForm(PortalLabels, allauth.ReauthenticateForm):
    labels = {"password": "Password"}


# --- Two-factor authentication (allauth.mfa), listed in `settings.MFA_FORMS` ---------------------
APP_CODE = "Code from your app, or a recovery code"
REQUIRED["Code from your app"] = "Enter the 6-digit code your authenticator app shows now."
REQUIRED[APP_CODE] = "Enter the 6-digit code your authenticator app shows now, or a recovery code."


class AuthenticateForm(PortalLabels, mfa_base.AuthenticateForm):
    labels = {"code": APP_CODE}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = (
            "The code your authenticator app shows for this account. Lost your phone? Enter one of "
            "your recovery codes instead: each works once."
        )


class MFAReauthenticateForm(PortalLabels, mfa_base.ReauthenticateForm):
    labels = {"code": APP_CODE}


class ActivateTOTPForm(PortalLabels, mfa_totp.ActivateTOTPForm):
    labels = {"code": "Code from your app"}

    def clean_code(self) -> str:
        try:
            return super().clean_code()
        except ValidationError as error:
            if getattr(error, "code", None) != "incorrect_code":
                raise
            raise ValidationError(
                "That code is not right. Check the app shows this account, then enter the code it "
                "shows now (it changes every 30 seconds).",
                code="incorrect_code",
            ) from error


class AddWebAuthnForm(PortalLabels, mfa_webauthn.AddWebAuthnForm):
    labels = {"name": "Name of this passkey", "passwordless": "Sign in with this passkey alone"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "passwordless" in self.fields:
            self.fields["passwordless"].initial = True
            self.fields["passwordless"].help_text = (
                "Sign in with this passkey instead of your password and a code. Your device asks for "
                "your fingerprint, face or PIN first."
            )
        self.fields["name"].help_text = "So you can tell your passkeys apart, e.g. “Work laptop”."


class LoginWebAuthnForm(mfa_webauthn.LoginWebAuthnForm):
    """The passkey button's form: without JavaScript, or a browser that offers no passkey, nothing
    comes back, and the page says so."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["credential"].error_messages["required"] = (
            "Your browser did not offer a passkey: signing in with one needs JavaScript and a browser "
            "or device that keeps passkeys. Sign in with your e-mail address and password instead."
        )
