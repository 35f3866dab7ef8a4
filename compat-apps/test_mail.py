"""Flask-Mail: a message captured with record_messages, never sent."""

REQUIRES = ["flask-mail"]

import email
import email.policy

import pytest
from flask import Flask
from flask_mail import Mail, Message


@pytest.fixture
def app():
    app = Flask(__name__)
    # TESTING makes MAIL_SUPPRESS_SEND default to True; the server must never be contacted.
    app.config.update(
        TESTING=True,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=1,
        MAIL_DEFAULT_SENDER=("Shop", "shop@example.test"),
    )
    mail = Mail(app)

    @app.route("/order", methods=["POST"])
    def order():
        msg = Message("Order received", recipients=["ann@example.test"])
        msg.body = "Thanks for your order #42."
        msg.html = "<p>Thanks for your order <b>#42</b>.</p>"
        msg.attach("invoice.txt", "text/plain", b"total: 10 EUR")
        mail.send(msg)
        return "sent"

    app.mail = mail
    return app


def test_send_is_recorded(app):
    with app.mail.record_messages() as outbox:
        assert app.test_client().post("/order").get_data(as_text=True) == "sent"

    assert len(outbox) == 1
    msg = outbox[0]
    assert msg.subject == "Order received"
    assert msg.recipients == ["ann@example.test"]
    with app.app_context():
        raw = msg.as_string()
    parsed = email.message_from_string(raw, policy=email.policy.default)
    assert parsed["Subject"] == "Order received"
    [sender] = parsed["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Shop", "shop@example.test")
    assert parsed.get_body(("plain",)).get_content().strip() == "Thanks for your order #42."
    assert "<b>#42</b>" in parsed.get_body(("html",)).get_content()
    [attachment] = parsed.iter_attachments()
    assert attachment.get_filename() == "invoice.txt"
    assert attachment.get_content() in ("total: 10 EUR", b"total: 10 EUR")


def test_message_without_recipients_is_refused(app):
    with app.app_context(), app.mail.record_messages() as outbox:
        with pytest.raises(AssertionError):
            app.mail.send(Message("no one", body="x"))
    assert outbox == []
