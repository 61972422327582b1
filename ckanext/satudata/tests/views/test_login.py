"""Sign-in and password reset cannot be guessed without limit (hardening
finding 3): counted per account and per address in Redis (throttle.py)."""
from __future__ import annotations

import pytest

from ckan import model

from ckanext.satudata import sessions

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


def _remember_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    assert cookies, response.headers
    return cookies[0].split(";", 1)[0].split("=", 1)[1]


def _with_cookie(browser, value):
    from urllib.parse import urlparse
    from ckan.plugins import toolkit as tk
    person = browser()
    # The test client sends a cookie only to the host it was set for: the site's.
    person.app.client.set_cookie(tk.config["REMEMBER_COOKIE_NAME"], value,
                                 domain=urlparse(tk.config["ckan.site_url"]).hostname)
    return person


def _remembered_login(browser, user):
    person = browser()
    response = person.submit("/id/user/login", {"login": user["name"], "password": PASSWORD, "remember": "63072000"},
                             form=lambda f: f.find("input", attrs={"name": "password"}))
    return person, _remember_cookie(response)


def test_a_remember_me_cookie_ends_with_logout_on_every_device(portal, browser):
    person, cookie = _remembered_login(browser, portal.editor)
    # The cookie alone signs in (what "remember me" is for)...
    assert _signed_in(_with_cookie(browser, cookie))
    # ...until the person signs out: then neither a copy of it nor another device's session works.
    other_device, _ = _remembered_login(browser, portal.editor)
    person.get("/user/_logout")
    assert not _signed_in(person)
    assert not _signed_in(_with_cookie(browser, cookie))
    assert not _signed_in(other_device)
    # Signing in again works as before.
    assert _signed_in(_remembered_login(browser, portal.editor)[0])


def test_a_password_change_ends_every_other_session_but_the_one_that_made_it(portal, browser):
    person, cookie = _remembered_login(browser, portal.editor)
    elsewhere = browser().login(portal.editor)
    assert _signed_in(elsewhere)
    response = person.submit(f"/id/user/edit/{portal.editor['name']}",
                             {"password1": "Kata-Sandi-Baru#2026", "password2": "Kata-Sandi-Baru#2026",
                              "old_password": PASSWORD}, form=lambda f: f.get("id") == "user-edit-form")
    assert response.status_code in (200, 302)
    assert _signed_in(person)
    assert not _signed_in(elsewhere)
    assert not _signed_in(_with_cookie(browser, cookie))


def test_a_cookie_with_a_bare_user_id_signs_no_one_in(portal, browser):
    """Core's own format (``<id>|<hmac>``), as cookies issued before the tag was
    added: correctly signed, but it cannot be revoked, so it is not accepted."""
    from flask_login.utils import encode_cookie
    with browser().app.flask_app.test_request_context():
        bare = encode_cookie(portal.editor["id"])
        tagged = encode_cookie(sessions.session_id(model.User.get(portal.editor["id"])))
    assert not _signed_in(_with_cookie(browser, bare))
    assert _signed_in(_with_cookie(browser, tagged))


def _reset_answer(person, name) -> tuple[int, str]:
    response = person.submit("/id/user/reset", {"user": name}, form=lambda f: f.find("input", attrs={"name": "user"}))
    flash = person.page(response.headers["Location"]).find(class_="flash-messages")
    return response.status_code, flash.get_text(" ", strip=True) if flash else ""


def test_a_reset_request_tells_nothing_about_which_accounts_exist(portal, browser):
    """No mail server listens here (mail is down): core answered "error sending
    the email" for an existing account only. Every answer is now the same."""
    answers = {name: _reset_answer(browser(), name) for name in (
        portal.editor["name"], portal.editor["email"], "tidak-ada-akun-ini", "tidak.ada@example.com")}
    assert len(set(answers.values())) == 1, answers
    status, text = next(iter(answers.values()))
    assert status == 302 and "tautan" in text.lower(), text


def test_the_reset_link_arrives_by_mail(portal, browser, smtp):
    from ckanext.satudata.tests.conftest import delivered
    _reset_answer(browser(), portal.editor["name"])
    mail = delivered(smtp)[portal.editor["email"]]
    assert "/user/reset/" in mail["body"]
