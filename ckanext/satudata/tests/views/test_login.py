"""Sign-in and password reset cannot be guessed without limit (hardening
finding 3): counted per account and per address in Redis (throttle.py)."""
from __future__ import annotations

import pytest

from ckanext.satudata.tests.conftest import PASSWORD


def _signed_in(person) -> bool:
    return person.get("/dashboard/datasets").status_code == 200


def _try(person, login, password):
    person.last = person.submit("/id/user/login", {"login": login, "password": password},
                                form=lambda f: f.find("input", attrs={"name": "password"}))
    return person


def test_an_account_is_locked_after_five_wrong_passwords_even_for_the_right_one(portal, browser):
    attacker = browser()
    for _ in range(5):
        _try(attacker, portal.editor["name"], "salah-sekali")
    assert not _signed_in(attacker)
    # The right password no longer opens the account for a while; the person is told why.
    owner = _try(browser(), portal.editor["name"], PASSWORD)
    assert not _signed_in(owner)
    text = owner.last.get_data(as_text=True)
    if owner.last.status_code == 302:
        text = owner.page("/id/user/login").get_text()
    assert "Terlalu banyak percobaan masuk" in text and "menit" in text
    # Other accounts are not locked by it.
    assert _signed_in(_try(browser(), portal.admin["name"], PASSWORD))


@pytest.mark.ckan_config("ckanext.satudata.login.max_failures", 0)
def test_an_address_guessing_many_accounts_is_stopped(portal, browser):
    attacker = browser()
    for i in range(20):
        _try(attacker, f"tebakan-{i}", "salah")
    assert not _signed_in(_try(browser(), portal.admin["name"], PASSWORD))


def test_password_reset_requests_are_limited_per_address(portal, browser):
    person = browser()
    answers = []
    for _ in range(7):
        response = person.submit("/id/user/reset", {"user": portal.editor["email"]},
                                 form=lambda f: f.find("input", attrs={"name": "user"}))
        answers.append(response.status_code)
    assert 429 not in answers[:5] and answers[5:] == [429, 429], answers


def test_the_remember_me_cookie_is_not_sent_by_other_sites(portal, browser):
    person = browser()
    response = person.submit("/id/user/login", {"login": portal.editor["name"], "password": PASSWORD,
                                                "remember": "63072000"},
                             form=lambda f: f.find("input", attrs={"name": "password"}))
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    assert cookies and "SameSite=Lax" in cookies[0], cookies
