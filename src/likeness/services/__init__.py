"""Use cases: register, consent, decide, record, pay. They depend only on the Protocols in
:mod:`likeness.services.unit_of_work`, which storage implements and tests fake."""
