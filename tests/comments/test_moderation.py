"""The pure rules: what status a new comment gets."""

import pytest

from comments.moderation import Rules, Submission, decide


def rules(**overrides):
    values = {
        "hold_always": False,
        "max_links": 2,
        "moderation_words": (),
        "disallowed_words": (),
    }
    return Rules(**{**values, **overrides})


def submission(body="Nice post.", **overrides):
    values = {
        "body": body,
        "name": "Ann",
        "email": "ann@example.net",
        "url": "",
        "ip_address": "192.0.2.1",
    }
    return Submission(**{**values, **overrides})


def test_first_comment_from_a_commenter_is_held():
    assert decide(submission(), rules(), has_approved_comment=False).status == "pending"


def test_commenter_with_an_approved_comment_is_approved():
    assert decide(submission(), rules(), has_approved_comment=True).status == "approved"


def test_hold_always_holds_even_known_commenters():
    decision = decide(submission(), rules(hold_always=True), has_approved_comment=True)
    assert decision.status == "pending"


def test_two_links_hold_the_comment():
    body = "See https://a.example and http://b.example"
    decision = decide(submission(body), rules(), has_approved_comment=True)
    assert decision.status == "pending"


def test_one_link_does_not_hold_a_known_commenter():
    body = "See https://a.example"
    decision = decide(submission(body), rules(), has_approved_comment=True)
    assert decision.status == "approved"


def test_link_limit_zero_turns_the_rule_off():
    body = "https://a.example https://b.example https://c.example"
    decision = decide(submission(body), rules(max_links=0), has_approved_comment=True)
    assert decision.status == "approved"


@pytest.mark.parametrize(
    "field, value",
    [
        ("body", "buy cheap watches"),
        ("name", "Cheap Watches"),
        ("ip_address", "10.9.9.9"),
    ],
)
def test_moderation_words_hold_wherever_they_appear(field, value):
    words = ("cheap watches", "10.9.9.9")
    decision = decide(
        submission(**{field: value}),
        rules(moderation_words=words),
        has_approved_comment=True,
    )
    assert decision.status == "pending"


def test_disallowed_words_send_to_spam():
    decision = decide(
        submission("casino bonus here"),
        rules(disallowed_words=("casino",)),
        has_approved_comment=True,
    )
    assert decision.status == "spam"


def test_spam_backend_verdict_sends_to_spam():
    decision = decide(submission(), rules(), has_approved_comment=True, is_spam=True)
    assert decision.status == "spam"
