"""Online and kiosk self-completion: public answer pages, counter QR posters, abuse checks."""
