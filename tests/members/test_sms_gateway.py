"""The HTTP gateway backend against a local fake gateway."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from members import services
from members.models import Channel, Delivery
from tests.factories import UserFactory


class FakeGateway(BaseHTTPRequestHandler):
    status = 200
    received: list = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        FakeGateway.received.append(
            {"auth": self.headers["Authorization"], **json.loads(self.rfile.read(length))}
        )
        self.send_response(FakeGateway.status)
        self.end_headers()
        self.wfile.write(b'{"error": "number not reachable"}' if self.status >= 400 else b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeGateway.received = []
    FakeGateway.status = 200
    settings.NUCLEO_SMS_BACKEND = "members.sms.HTTPGatewaySMSBackend"
    settings.NUCLEO_SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.NUCLEO_SMS_GATEWAY_TOKEN = "s3cret"
    yield FakeGateway
    server.shutdown()


def _urgent_sms(django_capture_on_commit_callbacks) -> tuple[Delivery, Delivery]:
    person = UserFactory(phone="+39 333 765 4321")
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(
            recipient=person,
            kind="tests.urgent",
            key="alert:1",
            context={"subject": "Allerta", "details": "Zona nord"},
        )
    deliveries = {d.channel: d for d in notification.deliveries.all()}
    return deliveries[Channel.SMS], deliveries[Channel.EMAIL]


def test_gateway_receives_the_message_with_the_token(
    db, gateway, django_capture_on_commit_callbacks
):
    sms, _email = _urgent_sms(django_capture_on_commit_callbacks)
    assert sms.status == Delivery.Status.SENT
    assert gateway.received[0]["auth"] == "Bearer s3cret"
    assert gateway.received[0]["to"] == "+393337654321"
    assert "Allerta" in gateway.received[0]["text"]


def test_gateway_refusal_fails_the_delivery_with_the_reason_and_loses_nothing_else(
    db, gateway, django_capture_on_commit_callbacks
):
    gateway.status = 400
    sms, email = _urgent_sms(django_capture_on_commit_callbacks)
    assert (sms.status, sms.attempts) == (Delivery.Status.FAILED, 1)
    assert "SMS gateway answered 400" in sms.last_error
    assert "number not reachable" in sms.last_error
    assert email.status == Delivery.Status.SENT


def test_gateway_outage_is_retried(db, gateway, settings, django_capture_on_commit_callbacks):
    gateway.status = 503
    settings.NUCLEO_DELIVERY_RETRY_BASE_SECONDS = 60
    sms, _email = _urgent_sms(django_capture_on_commit_callbacks)
    # The eager retry is not run: the task asks Celery to come back in a minute.
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == (Delivery.Status.PENDING, 1)
    assert "SMS gateway answered 503" in sms.last_error
