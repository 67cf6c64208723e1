"""Encryption at rest for Shopify tokens (Fernet: AES-128-CBC + HMAC-SHA256, with a timestamp)."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask, current_app

__all__ = ["InvalidToken", "decrypt", "encrypt", "init_app", "load_or_create_dev_key"]


def load_or_create_dev_key(instance_path: Path) -> str:
    """A development key kept under instance/ (mode 600), made on first use."""
    key_file = instance_path / "encryption.key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key().decode()
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    return key


def init_app(app: Flask) -> None:
    configured = app.config.get("ORBIT_ENCRYPTION_KEY")
    raw_keys = configured or load_or_create_dev_key(Path(app.instance_path))
    # Comma-separated keys allow rotation: the first encrypts, any of them decrypts.
    keys = [Fernet(k.strip().encode()) for k in str(raw_keys).split(",") if k.strip()]
    app.extensions["orbit_fernet"] = MultiFernet(keys)


def encrypt(plaintext: str) -> bytes:
    return current_app.extensions["orbit_fernet"].encrypt(plaintext.encode())


def decrypt(ciphertext: bytes) -> str:
    return current_app.extensions["orbit_fernet"].decrypt(ciphertext).decode()
