"""Daily reconciliation: each provider's statement for a day matched against our ledger, to the fen.

`formats/` turns a platform's statement file into `StatementLine`s; `matching.py` compares them
with the ledger and names every break; `service.py` downloads, matches and stores a run and its
breaks, which staff resolve through the gateway (`payments.reconciliation-*` actions).
"""
