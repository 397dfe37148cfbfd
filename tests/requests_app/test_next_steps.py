"""Next steps: the library (seeded, kept by the admin), the recruiter's picks on the release and
correction pages, and what the candidate reads, as released."""

import html as html_module
import importlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as Browser
from django.utils import timezone

from requests_app import retention, services
from requests_app.feedback import library_steps
from requests_app.models import Area, AreaAnswer, FeedbackResponse, NextStep, Rating, ReleasedVersion

pytestmark = pytest.mark.django_db

seed_migration = importlib.import_module("requests_app.migrations.0012_seed_next_step_library")
HIDDEN = re.compile(r'name="(previewed|once)" value="([0-9a-f]+)"')
EXPERIENCE = "More hands-on dbt: one modelling project from raw data to a dashboard would close it."


def url(feedback_request, page="release") -> str:
    return f"/dashboard/requests/{feedback_request.uuid}/{page}/"


def send(client, feedback_request, data: dict, page="release"):
    """Preview `data`, then send what was previewed, as the page's two buttons do."""
    shown = dict(
        HIDDEN.findall(
            client.post(url(feedback_request, page), {**data, "action": "preview"}).content.decode()
        )
    )
    return client.post(url(feedback_request, page), {**data, **shown, "action": "send"})


def as_shown(steps_by_area: dict) -> dict:
    """The step fields as the page first shows them: every suggestion ticked, its words as they are."""
    data = {}
    for area, steps in steps_by_area.items():
        for number, step in enumerate(steps, start=1):
            prefix = f"step_{area}_{number}"
            data |= {f"{prefix}_keep": "on", f"{prefix}_title": step["title"]}
            data |= {f"{prefix}_description": step["description"], f"{prefix}_url": step["url"]}
    return data


def experience_library() -> list[dict]:
    return [
        step.as_step()
        for step in NextStep.objects.filter(area=Area.EXPERIENCE, is_active=True)
        if step.rating in ("", Rating.IMPROVE)
    ]


@pytest.fixture
def candidate_browser(candidate):
    """The candidate, in a browser of their own (the recruiter holds the test client)."""
    browser = Browser()
    browser.force_login(candidate)
    return browser


@pytest.fixture
def answered(routing, answer):
    """Experience rated "room to improve", answers a strength (tests/requests_app/conftest.py)."""
    answer(routing)
    return routing.feedback_request


@pytest.fixture
def form_data(answered) -> dict:
    return {
        "released_summary": "One modelling project would make the difference.",
        "comment_experience": EXPERIENCE,
        **as_shown({"experience": experience_library()}),
    }


# --- The library ----------------------------------------------------------------------------


def test_the_seed_gives_every_area_several_steps_for_the_low_ratings_and_some_for_the_middle():
    for area in Area:
        active = NextStep.objects.filter(area=area, is_active=True)
        assert active.filter(rating=Rating.IMPROVE).count() >= 3, area
        assert active.filter(rating=Rating.MET).exists(), area
        assert all(step.title and step.description for step in active)
        for step in active.exclude(url=""):
            step.full_clean()  # every link a valid https address
            assert step.url.startswith("https://")


def test_running_the_seed_again_adds_nothing_and_keeps_the_admins_edits():
    from django.apps import apps

    edited = NextStep.objects.get(title="Aim one step closer")
    edited.description = "The agency's own words."
    edited.is_active = False
    edited.save()
    before = list(NextStep.objects.values_list("pk", "area", "title", "description", "is_active"))

    seed_migration.seed(apps, None)

    assert list(NextStep.objects.values_list("pk", "area", "title", "description", "is_active")) == before


def test_the_first_one_line_steps_were_retired_in_favour_of_the_library():
    old = NextStep.objects.get(title="Target roles one step closer")
    assert not old.is_active
    assert old.rating == Rating.IMPROVE


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://files.example.com/cv.doc", "not a link"])
def test_a_library_step_takes_web_links_only(link):
    step = NextStep(area=Area.CV, title="A guide", url=link)
    with pytest.raises(ValidationError) as refused:
        step.full_clean()
    assert "url" in refused.value.message_dict


def test_the_admin_lists_filters_and_searches_the_library(admin_client):
    page = admin_client.get("/admin/requests_app/nextstep/", {"area": "skills", "q": "OpenLearn"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Take a short free course" in html
    assert "Aim one step closer" not in html
    assert "Room to improve" in html


def test_the_admin_refuses_a_link_that_is_not_a_web_page(admin_client):
    page = admin_client.post(
        "/admin/requests_app/nextstep/add/",
        {"area": "cv", "rating": "", "title": "Our CV guide", "url": "javascript:alert(1)", "position": 0},
    )
    assert page.status_code == 200
    assert "Enter a web address starting with https:// (or http://)." in page.content.decode()
    assert not NextStep.objects.filter(title="Our CV guide").exists()


# --- The release page -----------------------------------------------------------------------


def test_the_release_page_suggests_the_librarys_steps_for_each_areas_rating_ticked(
    recruiter_client, answered
):
    html = html_module.unescape(recruiter_client.get(url(answered)).content.decode())
    assert "Next steps for the candidate" in html
    experience = experience_library()
    assert len(experience) >= 3
    for number, step in enumerate(experience, start=1):
        box = re.search(f'<input type="checkbox" name="step_experience_{number}_keep"[^>]*>', html)[0]
        assert box.endswith(" checked>")
        assert f"Suggest “{step['title']}”" in html
        assert step["description"] in html  # under its box, as a hint
    # The preview shows them under the area, as the candidate will read them.
    preview = html[html.index('class="preview-frame"') :]
    assert '<h4 class="next-steps-title">Next steps</h4>' in preview
    assert experience[0]["title"] in preview
    # An area rated a strength has no suggestion here, but room for the recruiter's own.
    assert 'name="step_answers_own_title"' in html
    assert 'name="step_answers_1_keep"' not in html


def test_the_recruiter_unticks_edits_and_adds_a_step_and_the_release_keeps_them(
    recruiter_client, answered, form_data
):
    library = experience_library()
    data = {
        **form_data,
        "step_experience_2_title": "Show it through one dbt project",
        "step_experience_3_url": "https://www.open.edu/openlearn/",
        "step_answers_own_title": "Keep your stories current",
        "step_answers_own_description": "Add one new example each quarter.",
        "step_answers_own_url": "www.open.edu/openlearn/",
    }
    del data["step_experience_1_keep"]

    page = send(recruiter_client, answered, data)

    assert page.status_code == 302
    response = FeedbackResponse.objects.get()
    experience = response.answers.get(area=Area.EXPERIENCE).released_steps
    assert experience == [
        {**library[1], "title": "Show it through one dbt project"},
        {**library[2], "url": "https://www.open.edu/openlearn/"},
        *library[3:],
    ]
    own = {
        "title": "Keep your stories current",
        "description": "Add one new example each quarter.",
        "url": "https://www.open.edu/openlearn/",  # the scheme a bare address was missing
    }
    assert response.answers.get(area=Area.ANSWERS).released_steps == [own]
    assert response.versions.get().steps == {"experience": experience, "answers": [own]}


@pytest.mark.parametrize(
    "link", ["javascript:alert(document.cookie)", "ftp://files.example.com/guide", "https://"]
)
def test_a_link_that_is_not_a_web_page_is_refused_with_a_message_and_kept(
    recruiter_client, answered, form_data, unreleased_since, link
):
    check = unreleased_since()
    page = send(recruiter_client, answered, {**form_data, "step_experience_1_url": link})
    html = page.content.decode()
    assert page.status_code == 400
    refused = (
        "Relevant experience, step 1: enter a link starting with https:// (or http://), or leave it empty."
    )
    assert html.count(refused) == 2  # once in the summary at the top, once at the field
    assert f'value="{link}"' in html
    # The preview never links to it.
    assert f'href="{link}"' not in html
    check()


def test_a_ticked_step_needs_a_title_and_an_own_step_needs_one_for_its_words(
    recruiter_client, answered, form_data, unreleased_since
):
    check = unreleased_since()
    page = send(
        recruiter_client,
        answered,
        {
            **form_data,
            "step_experience_1_title": "  ",
            "step_answers_own_description": "Practise with a friend.",
        },
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert "Relevant experience, step 1: give the step a title, or untick it." in html
    assert (
        "Answers to interview questions, your own step: "
        "give your step a title, or clear its description and link." in html
    )
    assert 'value="Practise with a friend."' in html
    check()


def test_an_unticked_step_needs_nothing(recruiter_client, answered, form_data):
    data = {**form_data, "step_experience_1_title": ""}
    del data["step_experience_1_keep"]
    assert send(recruiter_client, answered, data).status_code == 302


def test_names_and_email_addresses_in_a_steps_words_are_flagged_but_its_own_link_is_not(
    recruiter_client, answered, form_data, unreleased_since
):
    check = unreleased_since()
    manager = answered.routings.get().hiring_manager
    page = send(
        recruiter_client,
        answered,
        {
            **form_data,
            "step_experience_1_title": f"Ask {manager.name} for a call",
            "step_experience_2_description": "Write to talent@client.example for the reading list.",
            "step_experience_3_url": "https://www.open.edu/openlearn/",
        },
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert f"Edit “{manager.name}” away: the candidate must not read it" in html
    assert "Edit “talent@client.example” away" in html
    assert "Not released: 2 flags need a decision." in html
    check()


def test_legal_risk_in_a_steps_words_is_flagged_and_can_be_let_through_with_a_reason(
    recruiter_client, answered, form_data
):
    data = {**form_data, "step_experience_2_description": "Join a young team to learn fast."}
    page = send(recruiter_client, answered, data)
    assert page.status_code == 400
    assert "Relevant experience, step 2 (description)" in page.content.decode()
    seen = dict(re.findall(r'name="(seen_[\w]+)" value="([0-9a-f]+)"', page.content.decode()))
    key = "step_experience_2_description_legal_age"
    data |= {**seen, f"ack_{key}": "on", f"reason_{key}": "The company's own description of the team."}
    assert send(recruiter_client, answered, data).status_code == 302
    assert "Join a young team" in str(FeedbackResponse.objects.get().versions.get().steps)


def test_a_step_changed_after_the_preview_is_shown_again_before_it_is_sent(
    recruiter_client, answered, form_data
):
    shown = dict(
        HIDDEN.findall(
            recruiter_client.post(url(answered), {**form_data, "action": "preview"}).content.decode()
        )
    )
    page = recruiter_client.post(
        url(answered), {**form_data, **shown, "step_experience_1_title": "Changed since", "action": "send"}
    )
    assert page.status_code == 200
    assert "You changed the text after the preview" in page.content.decode()
    assert FeedbackResponse.objects.get().released_at is None


# --- Correction, and what the candidate reads -------------------------------------------------


@pytest.fixture
def released(recruiter_client, answered, form_data):
    assert send(recruiter_client, answered, form_data).status_code == 302
    return answered


def test_a_correction_starts_from_the_steps_as_released_and_keeps_each_version(
    recruiter_client, released, form_data, candidate_browser
):
    library = experience_library()
    NextStep.objects.filter(area=Area.EXPERIENCE).update(title="Changed in the library later")

    html = recruiter_client.get(url(released, "correct")).content.decode()
    assert f'value="{library[0]["title"]}"' in html
    assert "Changed in the library later" not in html

    data = {
        **form_data,
        "step_experience_1_title": "Aim one step closer, within data",
        "reason": "Sharper advice.",
    }
    assert send(recruiter_client, released, data, page="correct").status_code == 302

    first, second = ReleasedVersion.objects.order_by("number")
    assert first.steps["experience"][0]["title"] == library[0]["title"]
    assert second.steps["experience"][0]["title"] == "Aim one step closer, within data"
    corrected = released.events.get(kind="corrected").message
    assert "Changed: Relevant experience (next steps)." in corrected
    page = candidate_browser.get(f"/requests/{released.uuid}/").content.decode()
    assert "Aim one step closer, within data" in page
    assert "Changed in the library later" not in page


def test_a_correction_of_the_text_alone_keeps_the_steps(recruiter_client, released, form_data):
    before = AreaAnswer.objects.get(area=Area.EXPERIENCE).released_steps
    data = {**form_data, "released_summary": "One project would make the difference.", "reason": "Typo."}
    assert send(recruiter_client, released, data, page="correct").status_code == 302
    assert AreaAnswer.objects.get(area=Area.EXPERIENCE).released_steps == before
    assert ReleasedVersion.objects.get(number=2).steps == {"experience": before}


def test_the_candidate_reads_each_steps_title_description_and_link_as_released(
    recruiter_client, answered, form_data, candidate_browser
):
    data = {**form_data, "step_experience_1_url": "https://nationalcareers.service.gov.uk/"}
    send(recruiter_client, answered, data)
    NextStep.objects.all().delete()  # the library changes; the released page does not

    html = html_module.unescape(candidate_browser.get(f"/requests/{answered.uuid}/").content.decode())

    first, second = AreaAnswer.objects.get(area=Area.EXPERIENCE).released_steps[:2]
    assert (
        f'<a href="https://nationalcareers.service.gov.uk/" class="step-title">{first["title"]}'
        '<span class="visually-hidden"> (another website)</span></a>' in html
    )
    assert f'<span class="step-description">{first["description"]}</span>' in html
    assert f'<span class="step-title">{second["title"]}</span>' in html


def test_releasing_without_picks_gives_each_area_the_librarys_steps(released_request):
    experience = released_request.responses.get().answers.get(area=Area.EXPERIENCE)
    assert experience.released_steps == [step.as_dict() for step in library_steps([experience])["experience"]]
    assert released_request.responses.get().answers.get(area=Area.ANSWERS).released_steps == []


def test_each_version_names_its_steps_by_area_and_retention_blanks_them(released_request, portal_settings):
    response = released_request.responses.get()
    [(area, steps)] = response.versions.get().step_rows()
    assert area == "Relevant experience"
    assert steps == response.answers.get(area=Area.EXPERIENCE).released_steps
    released_request.state = released_request.State.CLOSED
    released_request.save(update_fields=["state"])
    assert retention.anonymise_request(feedback_request=released_request, now=timezone.now())
    assert not AreaAnswer.objects.exclude(released_steps=[]).exists()
    assert ReleasedVersion.objects.get().steps == {}


@pytest.fixture
def unreleased_since():
    def start():
        def check():
            response = FeedbackResponse.objects.get()
            assert response.released_at is None
            assert not response.versions.exists()

        return check

    return start


def test_services_release_the_picks_they_are_given(routing, answer, recruiter):
    response = answer(routing)
    services.release_response(
        response=response,
        actor=recruiter,
        released_summary="",
        released_comments={},
        released_steps={"experience": [{"title": "Only this", "description": "", "url": ""}]},
    )
    assert response.answers.get(area=Area.EXPERIENCE).released_steps == [
        {"title": "Only this", "description": "", "url": ""}
    ]


def test_the_request_page_lists_each_versions_steps_for_recruiters(recruiter_client, released):
    html = html_module.unescape(
        recruiter_client.get(f"/dashboard/requests/{released.uuid}/").content.decode()
    )
    first = AreaAnswer.objects.get(area=Area.EXPERIENCE).released_steps[0]
    assert "<dt>Next steps: Relevant experience</dt>" in html
    assert f"{first['title']} — {first['description']}" in html
