"""Cards: the printed QR card, its opaque token and the A4 sheets of them."""
