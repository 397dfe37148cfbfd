"""safety.check_feedback: the legal-safety check on what a candidate will read."""

import pytest

from feedback_portal.models import PortalSettings
from requests_app import safety
from requests_app.models import Rating

TERMS = safety.parse_terms(PortalSettings._meta.get_field("legal_terms").default)

LONG_ENOUGH = "Less hands-on time with dbt than the role needs; one modelling project would close it."


def check(summary="", terms=TERMS, comments_expected=True, **answers):
    return safety.check_feedback(
        summary=summary, answers=answers, terms=terms, comments_expected=comments_expected
    )


def words(flags, kind=None):
    return [flag.words for flag in flags if kind is None or flag.kind == kind]


@pytest.mark.parametrize(
    "text",
    [
        "They manage a team of four.",
        "The landing page was slow.",
        "They reached the final stage.",
        "A teenage hobby became a career.",
        "Their message was clear; the usage figures were solid.",
        "Maybe a partial accentuation of the wrong points.",
    ],
)
def test_a_term_inside_a_longer_word_is_not_flagged(text):
    assert check(summary=text) == []


@pytest.mark.parametrize("text", ["Age was a concern.", "their AGE", "at your age, it’s hard", "age-related"])
def test_a_term_is_flagged_as_a_whole_word_in_any_case(text):
    (flag,) = check(summary=text)
    assert flag.kind == safety.Kind.LEGAL
    assert flag.place == "Summary"
    assert [w.lower() for w in flag.words] == ["age"]
    assert "law protects" in flag.why


def test_a_phrase_is_found_across_line_breaks_and_extra_spaces():
    (flag,) = check(experience=(Rating.MET, "We are a young\n   team and wanted a native\r\nspeaker."))
    assert flag.place == "Relevant experience"
    assert flag.words == ("young team", "native speaker")  # as written, whitespace tidied


def test_each_design_example_is_in_the_default_list():
    examples = [
        "young team",
        "energetic",
        "native speaker",
        "overqualified",
        "maternity",
        "accent",
        "too old",
    ]
    for term in examples:
        assert term in TERMS
        assert check(summary=f"Honestly: {term.upper()}.")[0].words == (term.upper(),)


def test_each_word_is_named_once_in_reading_order():
    (flag,) = check(summary="Too old? Energetic people; too OLD, and an accent.")
    assert flag.words == ("Too old", "Energetic", "accent")


def test_overlapping_terms_are_named_as_one():
    (flag,) = check(summary="Too young team players, and accents.")
    assert flag.words == ("Too young team", "accents")  # a plural "s" counts too


def test_every_place_is_checked_and_named():
    flags = check(
        summary="An energetic person.",
        skills=(Rating.STRENGTH, "Good, despite the accent."),
        answers=(Rating.NOT_ASSESSED, "Overqualified for this."),
    )
    assert [(f.place, f.words) for f in flags] == [
        ("Summary", ("energetic",)),
        ("Skills", ("accent",)),
        ("Answers to interview questions", ("Overqualified",)),
    ]


def test_a_short_comment_on_an_area_to_improve_is_unactionable():
    (flag,) = check(skills=(Rating.IMPROVE, "SQL needs work."))
    assert flag.kind == safety.Kind.UNACTIONABLE
    assert flag.place == "Skills"
    assert flag.words == ("SQL needs work.",)
    assert "Only 3 words" in flag.why


def test_an_empty_comment_on_an_area_to_improve_is_unactionable():
    (flag,) = check(cv=(Rating.IMPROVE, "  "))
    assert flag.words == ()
    assert flag.why.startswith("No comment")
    assert flag.describe() == "CV / résumé — not actionable: no comment"


def test_no_comment_is_expected_when_the_client_gives_ratings_only():
    assert check(cv=(Rating.IMPROVE, ""), comments_expected=False) == []
    assert len(check(cv=(Rating.IMPROVE, "Too long."), comments_expected=False)) == 1


def test_eight_words_are_enough_and_other_ratings_are_not_judged_on_length():
    assert check(skills=(Rating.IMPROVE, "Practise window functions and joins on a real dataset.")) == []
    assert check(skills=(Rating.STRENGTH, "Great."), cv=(Rating.MET, ""), fit=(Rating.NOT_ASSESSED, "")) == []


@pytest.mark.parametrize(
    ("comment", "found"),
    [
        ("Not a fit.", ("Not a fit",)),
        ("Honestly, we all felt they just didn’t click with the team here.", ("didn’t click",)),
        (
            "It was just not right for us, sadly, and not a fit overall.",
            ("just not right for us", "not a fit"),  # overlapping phrases named as one
        ),
    ],
)
def test_stock_phrases_alone_are_unactionable(comment, found):
    (flag,) = check(fit=(Rating.IMPROVE, comment))
    assert flag.kind == safety.Kind.UNACTIONABLE
    assert flag.rule == "stock"
    assert flag.words == found
    assert "stock phrase" in flag.why


def test_a_stock_phrase_with_a_reason_is_fine():
    comment = "Not a fit yet: the role needs daily SQL, and every example they gave was in Excel."
    assert check(fit=(Rating.IMPROVE, comment)) == []


def test_an_area_can_carry_both_kinds_of_flag():
    flags = check(fit=(Rating.IMPROVE, "Too old."))
    assert [(f.kind, f.words) for f in flags] == [
        (safety.Kind.LEGAL, ("Too old",)),
        (safety.Kind.UNACTIONABLE, ("Too old.",)),
    ]
    assert len({f.key for f in flags}) == 2


def test_clean_feedback_has_no_flags():
    assert (
        check(
            summary="Build one end-to-end modelling project.",
            experience=(Rating.IMPROVE, LONG_ENOUGH),
            answers=(Rating.STRENGTH, "Clear STAR stories about the pricing dashboard."),
        )
        == []
    )


def test_the_terms_are_one_per_line_without_blanks_comments_or_repeats():
    assert safety.parse_terms("age\n\n  young   team \n# not a term\nAGE\r\naccent\n") == [
        "age",
        "young team",
        "accent",
    ]


def test_a_signature_changes_with_the_words_found_not_with_a_reworded_short_comment():
    first = check(summary="Age.", skills=(Rating.IMPROVE, "Needs SQL."))
    reworded = check(summary="AGE, at their age.", skills=(Rating.IMPROVE, "Needs more SQL."))
    more = check(summary="Age and accent.")
    assert [f.signature for f in first] == [f.signature for f in reworded]
    assert first[0].signature != more[0].signature


@pytest.mark.django_db
def test_a_term_added_in_the_admin_settings_is_used(admin_client):
    portal = PortalSettings.load()
    assert "retro" not in safety.portal_terms()
    assert check(summary="A bit retro for us.", terms=safety.portal_terms()) == []

    data = {
        field.name: getattr(portal, field.name)
        for field in PortalSettings._meta.fields
        if field.name not in ("id", "legal_terms")
    }
    page = admin_client.post(
        f"/admin/feedback_portal/portalsettings/{portal.pk}/change/",
        {**data, "holidays": "", "legal_terms": portal.legal_terms + "\nretro\nhobby horse"},
    )
    assert page.status_code == 302, page.content.decode()

    terms = safety.portal_terms()
    assert {"retro", "hobby horse", "age"} <= set(terms)
    (flag,) = check(summary="A bit Retro, their hobby\nhorse.", terms=terms)
    assert flag.words == ("Retro", "hobby horse")
