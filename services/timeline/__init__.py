"""One timeline: a resident's applications, appointments, payments and consultations in one
list, the newest first, each with its current state and the page that shows it."""
