"""Watched inboxes: folders network scanners write into, read with nobody at the keyboard."""
