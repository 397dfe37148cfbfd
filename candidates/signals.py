"""Link applications to a candidate as soon as their e-mail address is verified."""

from allauth.account.signals import email_confirmed, user_signed_up
from django.dispatch import receiver

from . import services


@receiver(email_confirmed)
def link_applications_on_verification(sender, request, email_address, **kwargs) -> None:
    services.link_applications(user=email_address.user, email=email_address.email)


@receiver(user_signed_up)
def create_profile_on_signup(sender, request, user, **kwargs) -> None:
    services.ensure_candidate_profile(user=user)
