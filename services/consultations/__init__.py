"""Consultations and complaints (12345-style): a resident's consultation, complaint or
suggestion to a department, answered within a time limit in working days, reopened once if the
answer does not settle it, and a public FAQ made from answers edited for the public."""
