"""cio-lint: find Customer.io SDK mistakes before they ship."""

__version__ = "0.1.0"
