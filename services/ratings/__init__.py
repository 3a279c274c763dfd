"""Ratings (好差评): one rating per handled matter on every channel, in the five national grades,
a rectification case for every 不满意 / 非常不满意 rating, appeals by the department, and
per-item and per-department statistics and rankings."""
