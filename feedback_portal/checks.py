"""System checks (`manage.py check`) for what the portal's own registrations need."""

from django.core.checks import Error, Tags, register
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from . import mail


@register(Tags.templates)
def email_templates(app_configs, **kwargs) -> list[Error]:
    """Every kind of e-mail has its subject, text and HTML templates."""
    errors = []
    for kind in mail.KINDS.values():
        for name in kind.templates:
            try:
                get_template(name)
            except TemplateDoesNotExist:
                errors.append(
                    Error(
                        f"The {kind.name!r} e-mail has no template {name}.",
                        hint=f"Add it beside the others in templates/emails/{kind.name}/.",
                        obj=kind.name,
                        id="feedback_portal.E001",
                    )
                )
    return errors
