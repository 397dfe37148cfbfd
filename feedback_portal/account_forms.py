"""allauth's forms with the portal's labels: sentence case, "e-mail" as the portal writes it, no
placeholders (a hint that disappears as you type is no hint). Listed in `settings.ACCOUNT_FORMS`.

Kept apart from `feedback_portal.forms`, which allauth's own forms import (the sign-up extension).
"""

from allauth.account import forms as allauth

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
