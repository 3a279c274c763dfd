"""Online applications (网上申办): a form per catalogue item, materials, a workflow defined as
data, progress for the resident on every channel, and the materials library that fills the next
form (fill once, reuse everywhere)."""
