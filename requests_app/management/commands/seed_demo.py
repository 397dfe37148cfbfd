"""Demo data for `make run`: three accounts, clients, managers and requests in every state.

Made through the same services the pages use, so timelines and e-mails are real.
Idempotent: each scenario is keyed by its job reference and made once.
"""

import logging
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import F
from django.utils import timezone

from candidates import services as people
from candidates.models import Application, Client, HiringManager
from feedback_portal.celery import app as celery_app
from feedback_portal.models import PortalSettings, User
from requests_app import analytics, services
from requests_app.models import Area, Event, FeedbackRequest, FeedbackResponse, Rating, Routing

PASSWORD = "demo-pass-2026"
ACCOUNTS = [
    ("admin@demo.test", "Avery Admin", User.Role.ADMIN),
    ("recruiter@demo.test", "Riley Recruiter", User.Role.RECRUITER),
    # A colleague to hand work over to; Initech is theirs.
    ("colleague@demo.test", "Jordan Lee", User.Role.RECRUITER),
    ("candidate@demo.test", "Casey Candidate", User.Role.CANDIDATE),
]
OTHER_CANDIDATES = [
    ("sam.patel@demo.test", "Sam Patel"),
    ("jo.okafor@demo.test", "Jo Okafor"),
    ("lee.chen@demo.test", "Lee Chen"),
    ("maria.rossi@demo.test", "Maria Rossi"),
    ("tom.berg@demo.test", "Tom Berg"),
]
CLIENTS = [
    ("Acme Analytics", Client.FeedbackPolicy.FULL, [("Dana Whitfield", "dana@acme.test", "Head of Data")]),
    (
        "Globex Retail",
        Client.FeedbackPolicy.RATINGS_ONLY,
        [("Pat Moreno", "pat@globex.test", "Store Operations Lead")],
    ),
    ("Initech", Client.FeedbackPolicy.NONE, [("Bill Lumbergh", "bill@initech.test", "Division VP")]),
]

GOOD_ANSWERS = {
    Area.CV: (Rating.MET, "Clear and well laid out; lead with the results of your projects, not the duties."),
    Area.PRESENTATION: (Rating.STRENGTH, "Explained complex work simply and checked we were following."),
    Area.EXPERIENCE: (
        Rating.IMPROVE,
        "We needed someone who had run production data pipelines end to end; "
        "your experience was mostly with reporting on top of them.",
    ),
    Area.SKILLS: (Rating.MET, "Solid SQL and Python; the take-home was correct and readable."),
    Area.ANSWERS: (
        Rating.IMPROVE,
        "Answers about conflict stayed general. Concrete examples with what you did "
        "and what changed would have helped a lot.",
    ),
    Area.PREPARATION: (Rating.STRENGTH, "Knew our product and asked good questions about the roadmap."),
    Area.FIT: (Rating.NOT_ASSESSED, ""),
}


class Command(BaseCommand):
    help = "Create the demo accounts and data (only when DEBUG is on). Safe to run again."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo seed only runs with DEBUG on; it creates known passwords.")
        PortalSettings.load()
        celery_app.conf.task_always_eager = True  # e-mails are rendered and written at once
        logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
        users = {email: self._account(email, name, role) for email, name, role in ACCOUNTS}
        for email, name in OTHER_CANDIDATES:
            users[email] = self._account(email, name, User.Role.CANDIDATE)
        recruiter = users["recruiter@demo.test"]
        owners = {"Initech": users["colleague@demo.test"]}
        clients = {
            name: self._client(name, policy, managers, owners.get(name, recruiter))
            for name, policy, managers in CLIENTS
        }
        made = 0
        for scenario in self._scenarios(users, clients, recruiter):
            made += self._run(*scenario)
        # The analytics page reads the monthly roll-up: count the demo's months now, not at beat's next turn.
        analytics.rollup_all(now=timezone.now())
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({made} new scenarios)."))

    # --- building blocks -----------------------------------------------------

    def _account(self, email: str, name: str, role: str) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=PASSWORD,
                name=name,
                role=role,
                is_staff=role == User.Role.ADMIN,
                is_superuser=role == User.Role.ADMIN,
            )
            if role == User.Role.CANDIDATE:
                people.ensure_candidate_profile(user=user)
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _client(self, name, policy, managers, recruiter) -> Client:
        client = Client.objects.filter(name=name).first() or people.create_client(
            name=name, owner=recruiter, feedback_policy=policy
        )
        for manager_name, email, title in managers:
            if not client.hiring_managers.filter(email=email).exists():
                people.add_hiring_manager(client=client, name=manager_name, email=email, title=title)
        return client

    def _application(self, ref, client, recruiter, candidate, role, outcome, days_ago):
        today = timezone.localdate()
        return people.create_application(
            client=client,
            recruiter=recruiter,
            candidate_name=candidate.name,
            candidate_email=candidate.email,
            role_title=role,
            job_reference=ref,
            stage=Application.Stage.SECOND,
            interviewed_on=today - timedelta(days=days_ago + 5),
            outcome=outcome,
            outcome_on=today - timedelta(days=days_ago) if outcome != Application.Outcome.PENDING else None,
        )

    def _run(self, ref, client, recruiter, candidate, role, outcome, days_ago, steps) -> int:
        if Application.objects.filter(job_reference=ref).exists():
            return 0
        # Each step commits on its own and its e-mails are sent there and then, as they would
        # be on the day: a manager's e-mail goes out before the answer that later closes it.
        application = self._application(ref, client, recruiter, candidate, role, outcome, days_ago)
        state = {"application": application, "candidate": candidate, "recruiter": recruiter}
        for step in steps:
            step(state)
        return 1

    # --- steps -----------------------------------------------------------------

    @staticmethod
    def ask(state):
        state["request"] = services.submit_request(
            candidate=state["candidate"],
            application=state["application"],
            areas=[Area.EXPERIENCE, Area.ANSWERS, Area.CV],
            questions=[
                "What could I have done better in the technical interview?",
                "Was my experience close to what you were looking for?",
            ],
            consent_to_forward=True,
            self_assessment={Area.EXPERIENCE: Rating.MET, Area.ANSWERS: Rating.STRENGTH},
        )

    @staticmethod
    def waited(days: int):
        """A step: everything that happened to the request so far happened `days` earlier.

        Only after steps that leave no link working (asked, answered, declined): a live link
        keeps its own dates."""
        delta = timedelta(days=days)

        def step(state):
            feedback_request = state["request"]
            FeedbackRequest.objects.filter(pk=feedback_request.pk).update(
                created_at=F("created_at") - delta,
                state_changed_at=F("state_changed_at") - delta,
                waiting_since=F("waiting_since") - delta,
            )
            Event.objects.filter(feedback_request=feedback_request).update(created_at=F("created_at") - delta)
            routings = Routing.objects.filter(feedback_request=feedback_request)
            routings.update(routed_at=F("routed_at") - delta, expires_at=F("expires_at") - delta)
            routings.exclude(revoked_at=None).update(revoked_at=F("revoked_at") - delta)
            FeedbackResponse.objects.filter(feedback_request=feedback_request).update(
                submitted_at=F("submitted_at") - delta
            )

        return step

    @staticmethod
    def route(state):
        manager = HiringManager.objects.filter(client=state["application"].client).first()
        state["routing"] = services.route_request(
            feedback_request=state["request"],
            hiring_manager=manager,
            message="",
            actor=state["recruiter"],
        )

    @staticmethod
    def answer(state):
        ratings_only = state["application"].client.feedback_policy == Client.FeedbackPolicy.RATINGS_ONLY
        state["response"] = services.submit_manager_response(
            routing=state["routing"],
            answers={a: (r, "" if ratings_only else c) for a, (r, c) in GOOD_ANSWERS.items()},
            summary=""
            if ratings_only
            else "A strong candidate who lost out narrowly to someone with more pipeline experience.",
            consider_for_other_roles="yes",
            question_answers=[]
            if ratings_only
            else [
                {"answer": "Talk us through your reasoning before you write code: we could not follow it."},
                {"answer": "Close: two years of pipeline work would have closed the gap."},
            ],
        )

    @staticmethod
    def manager_declines(state):
        services.submit_manager_decline(
            routing=state["routing"], reason="Our company policy does not allow detailed feedback"
        )

    @staticmethod
    def release(state):
        response = state["response"]
        services.release_response(
            response=response,
            actor=state["recruiter"],
            released_summary=response.summary,
            released_comments={a.area: a.comment for a in response.answers.all()},
            released_answers=response.question_answers,
        )

    @staticmethod
    def follow_up(state):
        state["follow_up"] = services.ask_follow_up(
            feedback_request=state["request"],
            candidate=state["candidate"],
            question="Which would help most before I apply again: a pipeline course or a side project?",
        )

    @staticmethod
    def forward_follow_up(state):
        services.forward_follow_up(follow_up=state["follow_up"], actor=state["recruiter"])

    @staticmethod
    def decline(state):
        services.decline_request(
            feedback_request=state["request"],
            actor=state["recruiter"],
            message="I'm sorry there is no more to share this time. I'd be glad to talk through your "
            "interview and what to try next.",
        )

    @staticmethod
    def withdraw(state):
        services.withdraw_request(feedback_request=state["request"], candidate=state["candidate"])

    @staticmethod
    def expire(state):
        Routing.objects.filter(pk=state["routing"].pk).update(expires_at=timezone.now() - timedelta(hours=1))
        state["routing"].refresh_from_db()
        services.expire_routing(routing=state["routing"])

    @staticmethod
    def close(state):
        services.acknowledge_feedback(
            feedback_request=state["request"], candidate=state["candidate"], usefulness="very"
        )

    def _scenarios(self, users, clients, recruiter):
        acme, globex, initech = clients["Acme Analytics"], clients["Globex Retail"], clients["Initech"]
        me = users["candidate@demo.test"]
        no = Application.Outcome.NOT_SELECTED
        return [
            # The demo candidate: one to ask about, one released, one still pending.
            ("DEMO-101", acme, recruiter, me, "Data Analyst", no, 3, []),
            (
                "DEMO-102",
                acme,
                recruiter,
                me,
                "Analytics Engineer",
                no,
                40,
                [self.ask, self.route, self.answer, self.release],
            ),
            ("DEMO-103", globex, recruiter, me, "Category Analyst", Application.Outcome.PENDING, 0, []),
            # Every state, for the recruiter's dashboard.
            # Some have waited for the recruiter a while: the queue shows their age, and which are overdue.
            (
                "DEMO-201",
                acme,
                recruiter,
                users["sam.patel@demo.test"],
                "BI Developer",
                no,
                8,
                [self.ask, self.waited(6)],
            ),
            (
                "DEMO-202",
                acme,
                recruiter,
                users["jo.okafor@demo.test"],
                "Data Engineer",
                no,
                6,
                [self.ask, self.route],
            ),
            (
                "DEMO-203",
                acme,
                recruiter,
                users["lee.chen@demo.test"],
                "Data Scientist",
                no,
                12,
                [self.ask, self.route, self.answer, self.waited(3)],
            ),
            (
                "DEMO-204",
                globex,
                recruiter,
                users["maria.rossi@demo.test"],
                "Merchandiser",
                no,
                20,
                [self.ask, self.route, self.expire],
            ),
            (
                "DEMO-205",
                globex,
                recruiter,
                users["tom.berg@demo.test"],
                "Buyer",
                Application.Outcome.REPOSTED,
                9,
                [self.ask, self.route, self.answer],
            ),
            (
                "DEMO-206",
                initech,
                recruiter,
                users["sam.patel@demo.test"],
                "Systems Analyst",
                no,
                15,
                [self.ask, self.route, self.manager_declines],
            ),
            (
                "DEMO-207",
                initech,
                recruiter,
                users["jo.okafor@demo.test"],
                "TPS Coordinator",
                Application.Outcome.WITHDRAWN,
                25,
                [self.ask, self.decline],
            ),
            (
                "DEMO-208",
                acme,
                recruiter,
                users["lee.chen@demo.test"],
                "Junior Analyst",
                no,
                30,
                [self.ask, self.withdraw],
            ),
            (
                "DEMO-209",
                acme,
                recruiter,
                users["maria.rossi@demo.test"],
                "Reporting Analyst",
                no,
                80,
                [self.ask, self.route, self.answer, self.release, self.close],
            ),
            (
                "DEMO-210",
                acme,
                recruiter,
                users["tom.berg@demo.test"],
                "Insights Analyst",
                no,
                18,
                [self.ask, self.route, self.answer, self.release, self.follow_up, self.forward_follow_up],
            ),
        ]
