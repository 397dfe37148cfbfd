"""The API's shapes: what it reads and writes, checked with the same rules as the recruiter's forms."""

from rest_framework import serializers

from candidates.forms import ApplicationForm, OutcomeForm
from candidates.models import Application, Client
from feedback_portal.models import User
from requests_app.models import Event, FeedbackRequest

from .services import ApplicationData


class ApplicationSerializer(serializers.ModelSerializer):
    """An application as the API shows it."""

    client = serializers.CharField(source="client.name", read_only=True)
    recruiter = serializers.EmailField(source="recruiter.email", read_only=True)
    feedback_requests = serializers.SerializerMethodField(
        help_text="Its feedback requests, oldest first: read one at /api/v1/requests/{uuid}."
    )

    class Meta:
        model = Application
        fields = [
            "external_id",
            "uuid",
            "candidate_name",
            "candidate_email",
            "client",
            "role_title",
            "job_reference",
            "stage",
            "interviewed_on",
            "outcome",
            "outcome_on",
            "recruiter",
            "source",
            "created_at",
            "updated_at",
            "feedback_requests",
        ]
        read_only_fields = fields

    def get_feedback_requests(self, application: Application) -> list[str]:
        # Read from the prefetch the list and the views make: one query for a whole page.
        return [str(r.uuid) for r in sorted(application.feedback_requests.all(), key=lambda r: r.created_at)]


def _form_errors(form) -> dict[str, list[str]]:
    return {("_" if field == "__all__" else field): list(messages) for field, messages in form.errors.items()}


class ApplicationWriteSerializer(serializers.Serializer):
    """An application as the applicant-tracking system sends it (PUT: the whole of it)."""

    candidate_name = serializers.CharField(max_length=150)
    candidate_email = serializers.EmailField(max_length=254)
    client = serializers.CharField(max_length=200, help_text="The client's name, as the portal knows it.")
    role_title = serializers.CharField(max_length=200)
    job_reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    stage = serializers.ChoiceField(choices=Application.Stage.choices, default=Application.Stage.FIRST)
    interviewed_on = serializers.DateField(required=False, allow_null=True, default=None)
    outcome = serializers.ChoiceField(
        choices=Application.Outcome.choices, default=Application.Outcome.PENDING
    )
    outcome_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Today for a turn-down, when not given."
    )
    recruiter = serializers.EmailField(help_text="The owning recruiter's e-mail: they must have an account.")
    invite = serializers.BooleanField(
        default=False,
        help_text="When the outcome is a new turn-down, e-mail the candidate that they can ask for feedback.",
    )

    def validate_client(self, name: str) -> Client:
        client = Client.objects.named(" ".join(name.split())).first()
        if client is None:
            raise serializers.ValidationError(
                "No client has this name. Add the client in the portal first (the API never creates one)."
            )
        return client

    def validate_recruiter(self, email: str) -> User:
        recruiter = (
            User.objects.filter(email__iexact=email.strip(), is_active=True)
            .filter(role__in=[User.Role.RECRUITER, User.Role.ADMIN])
            .first()
        )
        if recruiter is None:
            raise serializers.ValidationError("No recruiter of the agency has this e-mail address.")
        return recruiter

    def validate(self, data: dict) -> ApplicationData:
        # The recruiter's own form decides what is allowed (dates not in the future, an invitation
        # only while the candidate could still ask), so both doors hold the same rules.
        form = ApplicationForm(data={**data, "client": data["client"].pk})
        if not form.is_valid():
            raise serializers.ValidationError(_form_errors(form))
        return ApplicationData(**data)


class OutcomeSerializer(serializers.Serializer):
    """An outcome the applicant-tracking system reports."""

    outcome = serializers.ChoiceField(choices=Application.Outcome.choices)
    outcome_on = serializers.DateField(required=False, allow_null=True, default=None)
    invite = serializers.BooleanField(
        default=False,
        help_text="For a turn-down (not selected, role withdrawn or reposted): e-mail the candidate that "
        "they can ask for feedback, as the recruiter's form does.",
    )

    def validate(self, data: dict) -> dict:
        form = OutcomeForm(data=data)
        if not form.is_valid():
            raise serializers.ValidationError(_form_errors(form))
        return data


class OutcomeResultSerializer(serializers.Serializer):
    changed = serializers.BooleanField(help_text="False when the application already had this outcome.")
    invited = serializers.BooleanField(help_text="Whether an invitation e-mail was queued by this call.")
    application = ApplicationSerializer()


class ApplicationFilterSerializer(serializers.Serializer):
    """The list's filters, from the query string."""

    client = serializers.CharField(required=False, max_length=200, help_text="The client's name.")
    outcome = serializers.ChoiceField(choices=Application.Outcome.choices, required=False)
    external_id = serializers.CharField(required=False, max_length=100)
    updated_since = serializers.DateTimeField(required=False)
    created_since = serializers.DateTimeField(required=False)

    def validate(self, data: dict) -> dict:
        for field in ("client", "external_id"):
            if "\x00" in data.get(field, ""):
                raise serializers.ValidationError({field: ["This may not contain a NUL character."]})
        return data


class TimelineEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Event
        fields = ["kind", "created_at"]


class ApplicationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Application
        fields = ["uuid", "external_id"]
        read_only_fields = fields


class FeedbackRequestSerializer(serializers.ModelSerializer):
    """A request's state and what happened when: never who answered, nor what anyone wrote."""

    application = ApplicationRefSerializer(read_only=True)
    timeline = TimelineEntrySerializer(source="api_timeline", many=True, read_only=True)
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = FeedbackRequest
        fields = ["uuid", "state", "is_open", "application", "created_at", "timeline"]
        read_only_fields = fields


class ProblemSerializer(serializers.Serializer):
    """An error, as RFC 9457 problem details (documentation only: problems.py writes them)."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="When the input was wrong: each field with what is wrong with it.",
    )
