"""tsms — resident complaints, follow-up visits and warranty service ledger."""

__version__ = "0.1.0"
