"""A channel has one Vietnamese name: the dashboard (the interface's catalogue) and the printed
report and public page (``CHANNEL_LABELS_VI``) say the same words."""

from flask_babel import force_locale

from fieldwork.stats.sources import CHANNEL_LABELS, CHANNEL_LABELS_VI


def test_the_interface_names_each_channel_as_the_report_prints_it(app):
    with app.test_request_context(), force_locale("vi"):
        shown = {channel: str(label) for channel, label in CHANNEL_LABELS.items()}
    assert shown == CHANNEL_LABELS_VI
